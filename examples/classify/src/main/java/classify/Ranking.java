package classify;

/** Probabilities from a classifier's logits, and the most probable classes. */
final class Ranking {
    private Ranking() {
    }

    /** softmax(logits), computed in double after subtracting the largest logit. */
    static double[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((double) logits[i] - max);
            total += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    /** The indices of the {@code k} largest scores, largest first; ties go to the lower index. */
    static int[] top(double[] scores, int k) {
        int n = Math.min(k, scores.length);
        int[] best = new int[n];
        boolean[] taken = new boolean[scores.length];
        for (int rank = 0; rank < n; rank++) {
            int arg = -1;
            for (int i = 0; i < scores.length; i++) {
                if (!taken[i] && (arg < 0 || scores[i] > scores[arg])) {
                    arg = i;
                }
            }
            taken[arg] = true;
            best[rank] = arg;
        }
        return best;
    }
}

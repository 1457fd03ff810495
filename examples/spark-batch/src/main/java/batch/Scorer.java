package batch;

import batch.model.Digits;

/**
 * Scores 8x8 grey images (64 bytes, row-major, white ink on black) with the digits model: the
 * pixels normalised as the model was trained (../classify/train.py), the model run, the most
 * probable digit taken. Reuses its arrays, so each thread needs its own Scorer; the model may be
 * shared.
 */
final class Scorer {
    /** The normalisation the digits model was trained with: (pixel / 255 - MEAN) / STD. */
    private static final float MEAN = 0.3f;
    private static final float STD = 0.4f;

    private final Digits model;
    private final float[] input = new float[Digits.INPUT_SIZE];
    private final float[] logits = new float[Digits.OUTPUT_SIZE];

    Scorer(Digits model) {
        this.model = model;
    }

    /** The most probable digit for one image, and its probability. */
    static final class Prediction {
        final int digit;
        final float probability;

        Prediction(int digit, float probability) {
            this.digit = digit;
            this.probability = probability;
        }
    }

    /** @param id the image's row id, for the error message */
    Prediction score(long id, byte[] pixels) {
        if (pixels == null || pixels.length != input.length) {
            throw new IllegalArgumentException("row id " + id + ": pixels has "
                    + (pixels == null ? "no value" : pixels.length + " bytes")
                    + "; the model takes an 8x8 grey image, " + input.length + " bytes");
        }
        for (int i = 0; i < input.length; i++) {
            input[i] = ((pixels[i] & 0xff) / 255f - MEAN) / STD;
        }
        model.run(input, logits);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        // softmax(logits)[best], with the largest logit subtracted
        double total = 0;
        for (float logit : logits) {
            total += Math.exp(logit - logits[best]);
        }
        return new Prediction(best, (float) (1 / total));
    }
}

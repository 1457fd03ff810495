package com.example;

import com.example.model.Classifier;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the model on an input file of raw little-endian float32 values and prints the best class. */
public class App {
    public static void main(String[] args) throws Exception {
        float[] input = new float[Classifier.INPUT_SIZE];
        ByteBuffer.wrap(Files.readAllBytes(Path.of(args[0]))).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(input);

        Classifier model = Classifier.load();   // reads Classifier.weights from the jar
        float[] scores = model.run(input);

        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        System.out.println("class " + best + " (score " + scores[best] + ")");
    }
}

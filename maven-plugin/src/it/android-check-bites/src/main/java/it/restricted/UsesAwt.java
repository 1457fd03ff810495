package it.restricted;

import java.awt.image.BufferedImage;

/** Java 8 has java.awt; Android has not. The android check must refuse this class. */
public final class UsesAwt {
    private UsesAwt() {
    }

    public static int width(BufferedImage image) {
        return image.getWidth();
    }
}

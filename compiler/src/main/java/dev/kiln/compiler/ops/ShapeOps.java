package dev.kiln.compiler.ops;

/**
 * Data movement and shape computation: views, Transpose, Concat, Slice, Gather, Shape,
 * constants, Split, Expand, Tile, Pad, Range, ScatterND, DepthToSpace and SpaceToDepth.
 */
final class ShapeOps {
    private ShapeOps() {
    }

    static void register(OpRegistry r) {
        r.add(new ViewOp.Reshape());
        r.add(new ViewOp.Flatten());
        r.add(new ViewOp.Squeeze());
        r.add(new ViewOp.Unsqueeze());
        r.add(new ViewOp.Identity());
        r.add(new Transpose());
        r.add(new Concat());
        r.add(new Slice());
        r.add(new Gather());
        r.add(new Shape());
        r.add(new Size());
        r.add(new Constant());
        r.add(new ConstantOfShape());
        r.add(new Split());
        r.add(new Expand());
        r.add(new Tile());
        r.add(new Pad());
        r.add(new Range());
        r.add(new ScatterND());
        r.add(new BlockRearrange.DepthToSpace());
        r.add(new BlockRearrange.ChannelsLastDepthToSpace());
        r.add(new BlockRearrange.SpaceToDepth());
    }
}

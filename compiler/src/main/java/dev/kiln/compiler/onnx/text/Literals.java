package dev.kiln.compiler.onnx.text;

import static dev.kiln.compiler.onnx.text.SyntaxErrors.at;

import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.onnx.text.OnnxTextParser.ConstantDataContext;
import java.math.BigInteger;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import com.google.protobuf.ByteString;

/**
 * Numbers, and tensors written as {@code float[2,2] {1, 2, 3, 4}}. The values go into
 * the TensorProto field ONNX's parser uses for the element type (float_data,
 * int32_data for 8- and 16-bit types and float16 bits, int64_data, uint64_data,
 * double_data, string_data); each must fit its type and their count the shape.
 */
final class Literals {
    private Literals() {
    }

    static long longValue(Token t) {
        try {
            return Long.parseLong(t.getText());
        } catch (NumberFormatException e) {
            throw at(t, "integer " + t.getText() + " is out of the 64-bit range");
        }
    }

    /** A float from an integer, a decimal or nan/inf/infinity (any case, optionally negative). */
    static double doubleValue(Token t) {
        return switch (t.getType()) {
            case OnnxTextLexer.INT, OnnxTextLexer.FLOAT -> Double.parseDouble(t.getText());
            default -> {
                Double special = t.getType() == OnnxTextLexer.STRING ? null : Syntax.specialFloat(t.getText());
                if (special == null) {
                    throw at(t, "expected a number, found '" + t.getText() + "'");
                }
                yield special;
            }
        };
    }

    /** The float nearest to the decimal text (not the double rounded again). */
    static float floatValue(Token t) {
        if (t.getType() == OnnxTextLexer.INT || t.getType() == OnnxTextLexer.FLOAT) {
            return Float.parseFloat(t.getText());
        }
        return (float) doubleValue(t);
    }

    /**
     * A tensor of {@code type} (a tensor type with numeric dimensions) holding the
     * values or the external-data reference of {@code data}.
     *
     * @param name the tensor's name ("" for an unnamed attribute value)
     * @param typeAt where the type is written, for errors
     */
    static TensorProto tensor(String name, TypeProto type, ParserRuleContext typeAt, ConstantDataContext data) {
        String what = name.isEmpty() ? "the tensor" : "tensor '" + name + "'";
        if (!type.hasTensorType() || !type.getTensorType().hasShape()) {
            throw at(typeAt, what + " needs a tensor type with its shape, such as float[2,3] (or float for a scalar)");
        }
        ElementType element = ElementType.fromCode(type.getTensorType().getElemType());
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(element.code());
        long count = 1;
        for (TensorShapeProto.Dimension d : type.getTensorType().getShape().getDimList()) {
            if (!d.hasDimValue() || d.getDimValue() < 0) {
                throw at(typeAt, what + ": the dimensions of a tensor with values are numbers, not symbols or '?'");
            }
            t.addDims(d.getDimValue());
            count *= Math.min(d.getDimValue(), Integer.MAX_VALUE + 1L); // no overflow: both factors <= 2^31
            if (count > Integer.MAX_VALUE) {
                throw at(typeAt, what + " has more elements than Kiln can hold (2^31-1)");
            }
        }
        if (data.pairList() != null) {
            return t.setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addAllExternalData(ProtoBuilder.pairs(data.pairList())).build();
        }
        List<Token> values = data.values;
        long expected = element == ElementType.COMPLEX64 || element == ElementType.COMPLEX128 ? 2 * count : count;
        if (values.size() != expected) {
            throw at(data, what + " " + element.onnxName() + type.getTensorType().getShape().getDimList().stream()
                    .map(d -> Long.toString(d.getDimValue())).toList() + " has " + values.size() + " values, expected "
                    + expected);
        }
        for (Token v : values) {
            add(t, element, v, what);
        }
        return t.build();
    }

    private static void add(TensorProto.Builder t, ElementType element, Token v, String what) {
        switch (element) {
            case FLOAT, COMPLEX64 -> t.addFloatData(floatValue(v));
            case DOUBLE, COMPLEX128 -> t.addDoubleData(doubleValue(v));
            case INT64 -> t.addInt64Data(integer(v, what, element));
            case UINT32 -> t.addUint64Data(unsigned(v, what, element, BigInteger.ONE.shiftLeft(32)));
            case UINT64 -> t.addUint64Data(unsigned(v, what, element, BigInteger.ONE.shiftLeft(64)));
            case STRING -> {
                if (v.getType() != OnnxTextLexer.STRING) {
                    throw at(v, what + " holds strings; expected a quoted string, found '" + v.getText() + "'");
                }
                t.addStringData(ByteString.copyFromUtf8(Syntax.unquote(v.getText())));
            }
            default -> {
                long[] range = int32Range(element);
                long x = integer(v, what, element);
                if (x < range[0] || x > range[1]) {
                    throw at(v, what + ": " + x + " is out of the range of " + element.onnxName() + " ("
                            + range[0] + " to " + range[1] + (element.isFloat() ? ", the value's bits" : "") + ")");
                }
                t.addInt32Data((int) x);
            }
        }
    }

    /** The values a type stored in int32_data may take (float16, bfloat16 and the float8 types as their bits). */
    private static long[] int32Range(ElementType e) {
        return switch (e) {
            case BOOL -> new long[] {0, 1};
            case INT8 -> new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE};
            case INT16 -> new long[] {Short.MIN_VALUE, Short.MAX_VALUE};
            case INT32 -> new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE};
            case UINT16, FLOAT16, BFLOAT16 -> new long[] {0, 0xFFFF};
            case INT4 -> new long[] {-8, 7};
            case UINT4, FLOAT4E2M1 -> new long[] {0, 15};
            case INT2 -> new long[] {-2, 1};
            case UINT2 -> new long[] {0, 3};
            default -> new long[] {0, 0xFF}; // uint8 and the float8 types
        };
    }

    private static long integer(Token v, String what, ElementType element) {
        if (v.getType() != OnnxTextLexer.INT) {
            throw at(v, what + " holds " + element.onnxName() + " values; expected an integer, found '" + v.getText() + "'");
        }
        return longValue(v);
    }

    private static long unsigned(Token v, String what, ElementType element, BigInteger limit) {
        if (v.getType() != OnnxTextLexer.INT) {
            throw at(v, what + " holds " + element.onnxName() + " values; expected an integer, found '" + v.getText() + "'");
        }
        BigInteger x = new BigInteger(v.getText());
        if (x.signum() < 0 || x.compareTo(limit) >= 0) {
            throw at(v, what + ": " + x + " is out of the range of " + element.onnxName() + " (0 to "
                    + limit.subtract(BigInteger.ONE) + ")");
        }
        return x.longValue();
    }
}

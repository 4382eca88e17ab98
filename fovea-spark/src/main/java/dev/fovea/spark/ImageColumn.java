package dev.fovea.spark;

import dev.fovea.FoveaException;
import dev.fovea.data.ImageLoader;
import dev.fovea.tensor.Shape;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * How one column of a DataFrame holds images, and the decoding of a row's value into one model
 * input example (H, W, C) with the model's stored preprocessing.
 *
 * <p>Three kinds, told apart by the column's Spark type:
 * <ul>
 *   <li>{@code binary}: the encoded file (PNG, JPEG, BMP, GIF), as the {@code binaryFile} data
 *       source's {@code content} column holds it; decoded, converted and resized by
 *       {@link ImageLoader} exactly as {@code fovea predict} does.</li>
 *   <li>the {@code image} data source's struct (origin, height, width, nChannels, mode, data):
 *       8-bit BGR(A) or gray rows, turned into a Java image and converted the same way.</li>
 *   <li>{@code array<float>} or {@code array<double>}: an example already in the model's layout
 *       (H*W*C values, channels last), taken as it is.</li>
 * </ul>
 */
enum ImageColumn {
    ENCODED, SPARK_IMAGE, ARRAY;

    /** The kind of column {@code name} in {@code schema}, or a one-line error saying what is accepted. */
    static ImageColumn of(StructType schema, String name) {
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(name)) {
            throw new FoveaException("image column \"" + name + "\" is not in the data; its columns are " + names);
        }
        DataType t = schema.apply(name).dataType();
        if (t instanceof BinaryType) return ENCODED;
        if (t instanceof ArrayType a && (a.elementType() instanceof FloatType || a.elementType() instanceof DoubleType)) return ARRAY;
        if (t instanceof StructType s && Arrays.asList(s.fieldNames()).containsAll(List.of("height", "width", "nChannels", "mode", "data"))) {
            return SPARK_IMAGE;
        }
        throw new FoveaException("image column \"" + name + "\" has type " + t.simpleString()
                + "; accepted: binary (encoded image files, as the binaryFile source gives), the image source's struct, or array<float|double>");
    }

    /** The example (H*W*C floats, channels last) of the row's value; {@code where} names it in errors. */
    float[] decode(Object value, Shape target, ImageLoader loader, String where) {
        if (value == null) throw new FoveaException(where + ": the image is null");
        return switch (this) {
            case ENCODED -> loader.load(where, (byte[]) value, target).image().data();
            case SPARK_IMAGE -> loader.load(where, toImage((Row) value, where), target).image().data();
            case ARRAY -> fromArray(value, target, where);
        };
    }

    private static float[] fromArray(Object value, Shape target, String where) {
        scala.collection.Seq<?> seq = value instanceof scala.collection.Seq<?> s ? s : null;
        List<?> list = seq != null ? scala.jdk.javaapi.CollectionConverters.asJava(seq) : (List<?>) value;
        if (list.size() != target.size()) {
            throw new FoveaException(where + ": " + list.size() + " values, but the model takes " + target + " = " + target.size());
        }
        float[] x = new float[list.size()];
        for (int i = 0; i < x.length; i++) {
            Object v = list.get(i);
            if (v == null) throw new FoveaException(where + ": value " + i + " is null");
            x[i] = ((Number) v).floatValue();
        }
        return x;
    }

    /** The image source's struct as a Java image: its rows are 8-bit BGR, BGRA or gray, as OpenCV's. */
    private static BufferedImage toImage(Row r, String where) {
        int h = r.getInt(r.fieldIndex("height")), w = r.getInt(r.fieldIndex("width"));
        int channels = r.getInt(r.fieldIndex("nChannels"));
        byte[] data = (byte[]) r.get(r.fieldIndex("data"));
        if (h < 1 || w < 1 || data == null || (long) h * w * channels != data.length) {
            throw new FoveaException(where + ": image struct of " + w + "x" + h + "x" + channels + " holds "
                    + (data == null ? "no" : data.length) + " bytes");
        }
        int type = switch (channels) {
            case 1 -> BufferedImage.TYPE_BYTE_GRAY;
            case 3 -> BufferedImage.TYPE_3BYTE_BGR;
            case 4 -> BufferedImage.TYPE_4BYTE_ABGR;
            default -> throw new FoveaException(where + ": image struct has " + channels + " channels; accepted: 1, 3 or 4 (8-bit)");
        };
        BufferedImage img = new BufferedImage(w, h, type);
        byte[] raster = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        if (channels == 4) {
            // Spark's BGRA to Java's ABGR, pixel by pixel.
            for (int i = 0; i < h * w; i++) {
                raster[4 * i] = data[4 * i + 3];
                raster[4 * i + 1] = data[4 * i];
                raster[4 * i + 2] = data[4 * i + 1];
                raster[4 * i + 3] = data[4 * i + 2];
            }
        } else {
            System.arraycopy(data, 0, raster, 0, data.length);
        }
        return img;
    }

    /** Field names a schema must not already have for the output columns. */
    static void checkFree(StructType schema, List<StructField> added) {
        for (StructField f : added) {
            if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
                throw new FoveaException("the data already has a column \"" + f.name() + "\"; choose another output prefix");
            }
        }
    }
}

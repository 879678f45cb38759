package dev.sluice.internal;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries mapped records through the sort as compact payloads and reads them back exactly, types
 * included (text losslessly, lone surrogates too). The key travels as the sort entry's key, not
 * here. A shape is written as a number into a table this codec keeps (up to
 * {@value #MAX_SHAPES} shapes; the names of further ones are written inline), so one instance
 * both writes and reads the payloads of one sort. Not thread-safe.
 */
final class RecordCodec {

  static final int MAX_SHAPES = 4096;

  private static final byte NULL = 0;
  private static final byte STRING = 1;
  private static final byte INT = 2;
  private static final byte LONG = 3;
  private static final byte DECIMAL = 4;
  private static final byte DOUBLE = 5;
  private static final byte TRUE = 6;
  private static final byte FALSE = 7;
  private static final byte INSTANT = 8;
  private static final byte DATE = 9;
  private static final byte LIST = 10;
  private static final byte MAP = 11;
  private static final byte SMALL_DECIMAL = 12;

  private final Map<RecordShape, Integer> shapeIds = new HashMap<>();
  private final Map<RecordShape, Integer> recentShapes = new IdentityHashMap<>();
  private final List<RecordShape> shapes = new ArrayList<>();
  private RecordShape lastShape;
  private int lastId;

  /** Appends the fields of {@code record} (not its key). */
  void write(Bytes out, Record record) {
    RecordShape shape = record.shape();
    int id = shape == lastShape ? lastId : idOf(shape);
    out.putVarint(id);
    if (id == 0) {
      out.putVarint(shape.size());
      for (int i = 0; i < shape.size(); i++) {
        out.putText(shape.name(i));
      }
    }
    for (int i = 0; i < record.size(); i++) {
      writeValue(out, record.get(i));
    }
  }

  /** 1 + the shape's index in the table, or 0 when the table is full and the names go inline. */
  private int idOf(RecordShape shape) {
    Integer known = recentShapes.get(shape);
    if (known == null) {
      known = shapeIds.get(shape);
      if (known == null) {
        if (shapes.size() >= MAX_SHAPES) {
          return 0;
        }
        shapes.add(shape);
        known = shapes.size();
        shapeIds.put(shape, known);
      }
      if (recentShapes.size() < MAX_SHAPES) {
        recentShapes.put(shape, known);
      }
    }
    lastShape = shape;
    lastId = known;
    return known;
  }

  /** The record with {@code key} whose fields {@link #write} wrote. */
  Record read(String key, Bytes.Reader in) {
    int id = in.getVarint();
    RecordShape shape;
    if (id == 0) {
      String[] names = new String[in.getVarint()];
      for (int i = 0; i < names.length; i++) {
        names[i] = in.getText();
      }
      shape = RecordShape.of(names);
    } else {
      shape = shapes.get(id - 1);
    }
    Object[] values = new Object[shape.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = readValue(in);
    }
    return shape.record(key, values);
  }

  private static void writeValue(Bytes out, Object v) {
    if (v == null) {
      out.put(NULL);
    } else if (v instanceof String) {
      out.put(STRING);
      out.putText((String) v);
    } else if (v instanceof Integer) {
      out.put(INT);
      out.putSignedVarlong((Integer) v);
    } else if (v instanceof Long) {
      out.put(LONG);
      out.putSignedVarlong((Long) v);
    } else if (v instanceof BigDecimal) {
      BigDecimal d = (BigDecimal) v;
      if (d.precision() <= 18) {
        out.put(SMALL_DECIMAL);
        out.putSignedVarlong(d.scale());
        out.putSignedVarlong(d.unscaledValue().longValue());
      } else {
        out.put(DECIMAL);
        out.putSignedVarlong(d.scale());
        byte[] unscaled = d.unscaledValue().toByteArray();
        out.putVarint(unscaled.length);
        out.put(unscaled, 0, unscaled.length);
      }
    } else if (v instanceof Double) {
      out.put(DOUBLE);
      out.putLong(Double.doubleToRawLongBits((Double) v));
    } else if (v instanceof Boolean) {
      out.put((Boolean) v ? TRUE : FALSE);
    } else if (v instanceof Instant) {
      out.put(INSTANT);
      out.putSignedVarlong(((Instant) v).getEpochSecond());
      out.putVarint(((Instant) v).getNano());
    } else if (v instanceof LocalDate) {
      out.put(DATE);
      out.putSignedVarlong(((LocalDate) v).toEpochDay());
    } else if (v instanceof List) {
      List<?> list = (List<?>) v;
      out.put(LIST);
      out.putVarint(list.size());
      for (Object o : list) {
        writeValue(out, o);
      }
    } else if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      out.put(MAP);
      out.putVarint(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.putText((String) e.getKey());
        writeValue(out, e.getValue());
      }
    } else {
      throw new IllegalArgumentException("cannot carry a " + v.getClass().getName() + " through the sort");
    }
  }

  private static Object readValue(Bytes.Reader in) {
    int tag = in.get();
    switch (tag) {
      case NULL:
        return null;
      case STRING:
        return in.getText();
      case INT:
        return (int) in.getSignedVarlong();
      case LONG:
        return in.getSignedVarlong();
      case SMALL_DECIMAL: {
        int scale = (int) in.getSignedVarlong();
        return BigDecimal.valueOf(in.getSignedVarlong(), scale);
      }
      case DECIMAL: {
        int scale = (int) in.getSignedVarlong();
        byte[] unscaled = in.getBytes(in.getVarint());
        return new BigDecimal(new BigInteger(unscaled), scale);
      }
      case DOUBLE:
        return Double.longBitsToDouble(in.getLong());
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case INSTANT:
        return Instant.ofEpochSecond(in.getSignedVarlong(), in.getVarint());
      case DATE:
        return LocalDate.ofEpochDay(in.getSignedVarlong());
      case LIST: {
        int n = in.getVarint();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(readValue(in));
        }
        return list;
      }
      case MAP: {
        int n = in.getVarint();
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          map.put(in.getText(), readValue(in));
        }
        return map;
      }
      default:
        throw new IllegalStateException("corrupt sort entry: unknown value tag " + tag);
    }
  }
}

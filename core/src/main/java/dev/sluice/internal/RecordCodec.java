package dev.sluice.internal;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes records to sort runs and reads them back exactly, types included. A shape is written once
 * and then referred to while consecutive records share it. One instance per run file direction.
 */
final class RecordCodec implements ExternalSort.Codec<Record> {

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

  private RecordShape writtenShape;
  private RecordShape readShape;

  @Override
  public void write(DataOutputStream out, Record record) throws IOException {
    writeString(out, record.key());
    RecordShape shape = record.shape();
    if (shape != writtenShape) {
      out.writeInt(shape.size());
      for (int i = 0; i < shape.size(); i++) {
        writeString(out, shape.name(i));
      }
      writtenShape = shape;
    } else {
      out.writeInt(-1);
    }
    for (int i = 0; i < record.size(); i++) {
      writeValue(out, record.get(i));
    }
  }

  @Override
  public Record read(DataInputStream in) throws IOException {
    String key = readString(in);
    int size = in.readInt();
    if (size >= 0) {
      String[] names = new String[size];
      for (int i = 0; i < size; i++) {
        names[i] = readString(in);
      }
      readShape = RecordShape.of(names);
    }
    Object[] values = new Object[readShape.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = readValue(in);
    }
    return readShape.record(key, values);
  }

  private static void writeValue(DataOutputStream out, Object v) throws IOException {
    if (v == null) {
      out.writeByte(NULL);
    } else if (v instanceof String) {
      out.writeByte(STRING);
      writeString(out, (String) v);
    } else if (v instanceof Integer) {
      out.writeByte(INT);
      out.writeInt((Integer) v);
    } else if (v instanceof Long) {
      out.writeByte(LONG);
      out.writeLong((Long) v);
    } else if (v instanceof BigDecimal) {
      BigDecimal d = (BigDecimal) v;
      out.writeByte(DECIMAL);
      out.writeInt(d.scale());
      byte[] unscaled = d.unscaledValue().toByteArray();
      out.writeInt(unscaled.length);
      out.write(unscaled);
    } else if (v instanceof Double) {
      out.writeByte(DOUBLE);
      out.writeDouble((Double) v);
    } else if (v instanceof Boolean) {
      out.writeByte((Boolean) v ? TRUE : FALSE);
    } else if (v instanceof Instant) {
      out.writeByte(INSTANT);
      out.writeLong(((Instant) v).getEpochSecond());
      out.writeInt(((Instant) v).getNano());
    } else if (v instanceof LocalDate) {
      out.writeByte(DATE);
      out.writeLong(((LocalDate) v).toEpochDay());
    } else if (v instanceof List) {
      List<?> list = (List<?>) v;
      out.writeByte(LIST);
      out.writeInt(list.size());
      for (Object o : list) {
        writeValue(out, o);
      }
    } else if (v instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) v;
      out.writeByte(MAP);
      out.writeInt(map.size());
      for (Map.Entry<?, ?> e : map.entrySet()) {
        writeString(out, (String) e.getKey());
        writeValue(out, e.getValue());
      }
    } else {
      throw new IOException("cannot write a " + v.getClass().getName());
    }
  }

  private static Object readValue(DataInputStream in) throws IOException {
    byte tag = in.readByte();
    switch (tag) {
      case NULL:
        return null;
      case STRING:
        return readString(in);
      case INT:
        return in.readInt();
      case LONG:
        return in.readLong();
      case DECIMAL: {
        int scale = in.readInt();
        byte[] unscaled = new byte[in.readInt()];
        in.readFully(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
      }
      case DOUBLE:
        return in.readDouble();
      case TRUE:
        return Boolean.TRUE;
      case FALSE:
        return Boolean.FALSE;
      case INSTANT:
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
      case DATE:
        return LocalDate.ofEpochDay(in.readLong());
      case LIST: {
        int n = in.readInt();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(readValue(in));
        }
        return list;
      }
      case MAP: {
        int n = in.readInt();
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          map.put(readString(in), readValue(in));
        }
        return map;
      }
      default:
        throw new IOException("corrupt sort run: unknown value tag " + tag);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    Binary.writeString(out, s);
  }

  private static String readString(DataInputStream in) throws IOException {
    return Binary.readString(in);
  }
}

package dev.sluice.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.diff.KeyOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyBytesTest {

  private static final String[] SAMPLES = {
      "", "a", "ab", "a\u0000", "abc", "\u007f", "\u0080", "\u07ff", "\u0800", "\ud7ff", "\ue000", "\uffff",
      "\ud800\udc00", "\ud83d\ude00", "\udbff\udfff", "\ud800", "\ud800a", "\udbff", "\udc00", "\udfff",
      "a\ud800", "a\udc00b", "abcdefg\ud800hij", "longer?text\udc00ascii", "a text longer than thirty-two chars\ud800 with a lone half", "\ud800\ud800\udc00", "\ud83d", "\ud83d\ude00x", "\ufffd", "x\uffffy"};

  @Test
  void bytesSortInCodePointOrderAsKeyOrderDoes() {
    List<String> keys = new ArrayList<>(Arrays.asList(SAMPLES));
    Random random = new Random(7);
    for (int i = 0; i < 3_000; i++) {
      keys.add(randomText(random));
    }
    for (String a : keys) {
      byte[] x = bytes(a);
      for (int k = 0; k < 40; k++) {
        String b = keys.get(random.nextInt(keys.size()));
        assertThat(Integer.signum(Arrays.compareUnsigned(x, bytes(b))))
            .as("%s vs %s", escape(a), escape(b))
            .isEqualTo(Integer.signum(KeyOrder.compare(a, b)));
      }
    }
  }

  @Test
  void everySampleComparesWithEveryOtherAsKeyOrderSays() {
    for (String a : SAMPLES) {
      for (String b : SAMPLES) {
        assertThat(Integer.signum(Arrays.compareUnsigned(bytes(a), bytes(b))))
            .as("%s vs %s", escape(a), escape(b))
            .isEqualTo(Integer.signum(KeyOrder.compare(a, b)));
      }
    }
  }

  @Test
  void supplementaryCharactersSortAfterTheBmpAboveTheSurrogates() {
    assertThat(Arrays.compareUnsigned(bytes("\ud83d\ude00"), bytes("\uffff"))).isPositive();
    assertThat(Arrays.compareUnsigned(bytes("\ud83d\ude00"), bytes("\ue000"))).isPositive();
    assertThat("\ud83d\ude00".compareTo("\ue000")).as("UTF-16 order, for contrast").isNegative();
  }

  @Test
  void decodingGivesBackExactlyTheStringIncludingLoneSurrogates() {
    Random random = new Random(11);
    List<String> keys = new ArrayList<>(Arrays.asList(SAMPLES));
    for (int i = 0; i < 5_000; i++) {
      keys.add(randomText(random));
      keys.add("0123456789" + randomText(random) + "abcdefgh" + randomText(random));
      keys.add("0123456789 0123456789 0123456789 " + randomText(random));
    }
    for (String key : keys) {
      byte[] b = bytes(key);
      assertThat(KeyBytes.decode(b, 0, b.length)).as(escape(key)).isEqualTo(key);
    }
  }

  @Test
  void validTextIsPlainUtf8() {
    String text = "Zoë \u4e2d\u6587 \ud83d\ude00";
    assertThat(bytes(text)).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static byte[] bytes(String s) {
    Bytes out = new Bytes(4);
    KeyBytes.encode(s, out);
    return Arrays.copyOf(out.data, out.length);
  }

  /** Text from a few ranges where orders differ: ASCII, BMP below and above the surrogates, pairs, lone halves. */
  static String randomText(Random random) {
    int n = random.nextInt(6);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      switch (random.nextInt(7)) {
        case 0:
          sb.append((char) ('a' + random.nextInt(3)));
          break;
        case 1:
          sb.append((char) (0x80 + random.nextInt(0xD800 - 0x80)));
          break;
        case 2:
          sb.append((char) (0xE000 + random.nextInt(0x2000)));
          break;
        case 3:
          sb.appendCodePoint(0x10000 + random.nextInt(0x100000));
          break;
        case 4:
          sb.append((char) (0xD800 + random.nextInt(0x400)));
          break;
        case 5:
          sb.append((char) (0xDC00 + random.nextInt(0x400)));
          break;
        default:
          sb.append(random.nextBoolean() ? '\ud800' : '\udbff');
      }
    }
    return sb.toString();
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      sb.append(c < 0x80 && c >= 0x20 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    return sb.append('"').toString();
  }
}

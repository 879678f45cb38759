package com.example.crm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Not a user's test: it keeps the BOM honest. The BOM has no parent, so it repeats the versions of
 * the drivers and test libraries it manages; each must be the version Sluice's own build uses.
 */
class BomVersionsTest {

  private static final Pattern VERSION_PROPERTY =
      Pattern.compile("<([a-zA-Z0-9.-]+\\.version)>([^<]+)</\\1>");

  @Test
  void theBomManagesTheVersionsTheBuildIsTestedWith() throws IOException {
    Path repo = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../..").normalize();
    Map<String, String> bom = versions(repo.resolve("bom/pom.xml"));
    Map<String, String> parent = versions(repo.resolve("pom.xml"));

    assertThat(bom).isNotEmpty();
    bom.forEach((property, version) -> assertThat(parent.get(property))
        .as("%s in bom/pom.xml and in the parent pom", property)
        .isEqualTo(version));
  }

  private static Map<String, String> versions(Path pom) throws IOException {
    Map<String, String> versions = new LinkedHashMap<>();
    Matcher m = VERSION_PROPERTY.matcher(Files.readString(pom));
    while (m.find()) {
      versions.put(m.group(1), m.group(2).trim());
    }
    return versions;
  }
}

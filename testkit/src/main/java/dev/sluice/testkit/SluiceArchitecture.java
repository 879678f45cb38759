package dev.sluice.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Architecture rules for code built on Sluice. The testkit brings ArchUnit; call a rule from any
 * JUnit test.
 *
 * <pre>{@code
 * @Test
 * void usesOnlyTheSluiceApi() {
 *   SluiceArchitecture.checkModule("com.example.crm");   // a connector: API and SPI only
 * }
 * }</pre>
 *
 * <p>{@link #check(String...)} suits an application: it may use any Sluice module (connectors, the
 * scheduler) but never {@code dev.sluice.internal}. {@link #checkModule(String...)} suits a module
 * that extends Sluice, such as a connector: it may use only the API and SPI packages
 * ({@link #API_PACKAGES}), so it depends on {@code sluice-core} alone — not on the engine, another
 * connector or the testkit.
 */
public final class SluiceArchitecture {

  /** The packages of Sluice's API and SPI: what connectors and other modules built on Sluice may use. */
  public static final List<String> API_PACKAGES = List.of("dev.sluice", "dev.sluice.source", "dev.sluice.map",
      "dev.sluice.diff", "dev.sluice.state", "dev.sluice.destination", "dev.sluice.delivery", "dev.sluice.http",
      "dev.sluice.observe", "dev.sluice.warehouse");

  private SluiceArchitecture() {}

  /** {@return the rule that no class uses {@code dev.sluice.internal}: API and SPI only} */
  public static ArchRule noInternalAccess() {
    return noClasses()
        .that().resideOutsideOfPackage("dev.sluice.internal..")
        .should().dependOnClassesThat().resideInAPackage("dev.sluice.internal..")
        .because("connectors and applications use Sluice's API and SPI only; internal packages change"
            + " without notice");
  }

  /**
   * {@return the rule that the classes of {@code packages} use no Sluice class outside the API and
   * SPI packages and their own}
   *
   * @param packages the module's own packages (their sub-packages included)
   */
  public static ArchRule onlyApiAndSpi(String... packages) {
    List<String> own = List.copyOf(Arrays.asList(Objects.requireNonNull(packages, "packages")));
    String[] patterns = own.stream().map(p -> p + "..").toArray(String[]::new);
    return noClasses()
        .that().resideInAnyPackage(patterns)
        .should().dependOnClassesThat(outsideTheApi(own))
        .because("a module built on Sluice depends on sluice-core's API and SPI only, never on the engine,"
            + " another connector or the testkit");
  }

  /**
   * Checks {@link #noInternalAccess()} against the main classes of the given packages: for an
   * application, which may use any Sluice module.
   *
   * @param packages the packages to check
   */
  public static void check(String... packages) {
    noInternalAccess().check(importMainClasses(packages));
  }

  /**
   * Checks {@link #noInternalAccess()} and {@link #onlyApiAndSpi(String...)} against the main
   * classes of the given packages: for a connector or another module that extends Sluice.
   *
   * @param packages the module's packages
   */
  public static void checkModule(String... packages) {
    JavaClasses classes = importMainClasses(packages);
    noInternalAccess().check(classes);
    onlyApiAndSpi(packages).check(classes);
  }

  private static JavaClasses importMainClasses(String... packages) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(packages);
  }

  private static DescribedPredicate<JavaClass> outsideTheApi(List<String> own) {
    return DescribedPredicate.describe("Sluice classes outside its API and SPI", type -> {
      String pkg = type.getPackageName();
      if (!(pkg.equals("dev.sluice") || pkg.startsWith("dev.sluice."))) {
        return false;
      }
      for (String mine : own) {
        if (pkg.equals(mine) || pkg.startsWith(mine + ".")) {
          return false;
        }
      }
      return !API_PACKAGES.contains(pkg);
    });
  }
}

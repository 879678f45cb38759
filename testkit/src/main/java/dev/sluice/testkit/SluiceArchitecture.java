package dev.sluice.testkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Architecture rules for code built on Sluice, such as a connector module. The testkit brings
 * ArchUnit; call a rule from any JUnit test.
 *
 * <pre>{@code
 * @Test
 * void connectorUsesOnlyTheApi() {
 *   SluiceArchitecture.check("com.example.connector");
 * }
 * }</pre>
 */
public final class SluiceArchitecture {

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
   * Checks {@link #noInternalAccess()} against the main classes of the given packages.
   *
   * @param packages the packages to check
   */
  public static void check(String... packages) {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(packages);
    noInternalAccess().check(classes);
  }
}

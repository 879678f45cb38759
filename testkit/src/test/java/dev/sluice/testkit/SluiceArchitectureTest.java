package dev.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

class SluiceArchitectureTest {

  private static final JavaClasses FIXTURES = new ClassFileImporter().importPackages("dev.sluice.archfixture");

  @Test
  void aModuleOnTheApiAndSpiPassesBothRules() {
    assertThat(SluiceArchitecture.onlyApiAndSpi("dev.sluice.archfixture.api").evaluate(FIXTURES).hasViolation()).isFalse();
    assertThat(SluiceArchitecture.noInternalAccess().evaluate(FIXTURES.that(
        com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("dev.sluice.archfixture.api..")))
        .hasViolation()).isFalse();
  }

  @Test
  void aModuleThatUsesTheEngineOrTheTestkitIsNamedWithWhatItUses() {
    EvaluationResult result = SluiceArchitecture.onlyApiAndSpi("dev.sluice.archfixture.beyond").evaluate(FIXTURES);

    assertThat(result.hasViolation()).isTrue();
    assertThat(String.join("\n", result.getFailureReport().getDetails()))
        .contains("dev.sluice.testkit.InMemorySource")
        .contains("dev.sluice.internal.Jooq")
        .doesNotContain("dev.sluice.Record");
    assertThat(SluiceArchitecture.noInternalAccess().evaluate(FIXTURES).getFailureReport().getDetails())
        .anySatisfy(line -> assertThat(line).contains("ReachesBeyondTheApi").contains("dev.sluice.internal.Jooq"));
  }

  @Test
  void theTestkitItselfUsesOnlyTheApiAndSpi() {
    SluiceArchitecture.checkModule("dev.sluice.testkit");
  }
}

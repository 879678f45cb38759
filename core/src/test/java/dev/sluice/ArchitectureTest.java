package dev.sluice;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.sluice.internal.Jooq;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.sluice");
  }

  @Test
  void publicSignaturesNeverExposeInternalTypes() {
    methods()
        .that().arePublic()
        .and().areDeclaredInClassesThat().resideOutsideOfPackage("dev.sluice.internal..")
        .and().areDeclaredInClassesThat().arePublic()
        .should(notMentionInternalTypes())
        .check(core);
  }

  @Test
  void onlyEntryPointsReachIntoTheEngine() {
    // The public API may start the engine (as Resilience4j's factories return internal
    // implementations), but SPI packages stay independent of it.
    noClasses()
        .that().resideInAnyPackage("dev.sluice.source..", "dev.sluice.map..", "dev.sluice.destination..", "dev.sluice.delivery..", "dev.sluice.http..",
            "dev.sluice.observe..")
        .should().dependOnClassesThat(resideInAPackage("dev.sluice.internal..").and(not(equivalentTo(Jooq.class))))
        .because("only the one place Sluice creates jOOQ contexts (Jooq) serves the SQL source too")
        .check(core);
    // Entry points in the root package, the differ and the state stores may use the engine's parts.
    noClasses()
        .that().resideOutsideOfPackages("dev.sluice.internal..", "dev.sluice.diff..", "dev.sluice.state..")
        .and().resideOutsideOfPackage("dev.sluice")
        .should().dependOnClassesThat(resideInAPackage("dev.sluice.internal..").and(not(equivalentTo(Jooq.class))))
        .check(core);
  }

  @Test
  void everyPackageHasPackageInfo() {
    for (String pkg : Set.of("dev.sluice", "dev.sluice.source", "dev.sluice.map", "dev.sluice.diff", "dev.sluice.state", "dev.sluice.delivery", "dev.sluice.http",
        "dev.sluice.destination", "dev.sluice.observe", "dev.sluice.internal")) {
      org.assertj.core.api.Assertions.assertThat(core.containPackage(pkg)).as(pkg).isTrue();
      org.assertj.core.api.Assertions.assertThat(core.getPackage(pkg).tryGetPackageInfo()).as("package-info of " + pkg).isPresent();
    }
  }

  private static ArchCondition<JavaMethod> notMentionInternalTypes() {
    return new ArchCondition<>("not mention dev.sluice.internal types in their signature") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        boolean leaks = isInternal(method.getRawReturnType())
            || method.getRawParameterTypes().stream().anyMatch(ArchitectureTest::isInternal);
        if (leaks && !method.getOwner().getModifiers().contains(JavaModifier.SYNTHETIC)) {
          events.add(SimpleConditionEvent.violated(method, method.getFullName() + " exposes an internal type"));
        }
      }
    };
  }

  private static boolean isInternal(JavaClass type) {
    return type.getPackageName().startsWith("dev.sluice.internal");
  }
}

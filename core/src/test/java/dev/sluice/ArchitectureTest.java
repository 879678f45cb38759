package dev.sluice;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.base.HasDescription;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
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
    // Everything a user can see: supertypes of visible classes, and the types (generic arguments
    // included) of their visible fields, constructors, methods and throws clauses.
    classes()
        .that().resideOutsideOfPackage("dev.sluice.internal..")
        .and(visibleFromOutside())
        .should(notExposeInternalTypes())
        .check(core);
  }

  @Test
  void onlyEntryPointsReachIntoTheEngine() {
    // The public API may start the engine (as Resilience4j's factories return internal
    // implementations), but SPI packages stay independent of it.
    noClasses()
        .that().resideInAnyPackage("dev.sluice.source..", "dev.sluice.map..", "dev.sluice.destination..", "dev.sluice.delivery..", "dev.sluice.http..",
            "dev.sluice.observe..")
        .should().dependOnClassesThat(resideInAPackage("dev.sluice.internal..").and(not(equivalentTo(Jooq.class)))
            .and(not(equivalentTo(dev.sluice.internal.SqlText.class))))
        .because("only the one place Sluice creates jOOQ contexts (Jooq) and the one that readies a user's query"
            + " for embedding (SqlText) serve the SQL source too")
        .check(core);
    // Entry points in the root package, the differ and the state stores may use the engine's parts.
    noClasses()
        .that().resideOutsideOfPackages("dev.sluice.internal..", "dev.sluice.diff..", "dev.sluice.state..")
        .and().resideOutsideOfPackage("dev.sluice")
        .should().dependOnClassesThat(resideInAPackage("dev.sluice.internal..").and(not(equivalentTo(Jooq.class)))
            .and(not(equivalentTo(dev.sluice.internal.SqlText.class))))
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

  private static DescribedPredicate<JavaClass> visibleFromOutside() {
    return DescribedPredicate.describe("are visible outside their package", ArchitectureTest::visible);
  }

  private static boolean visible(JavaClass type) {
    for (JavaClass c = type; c != null; c = c.getEnclosingClass().orElse(null)) {
      if (!c.getModifiers().contains(JavaModifier.PUBLIC) || c.isAnonymousClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(JavaMember member) {
    Set<JavaModifier> modifiers = member.getModifiers();
    return !modifiers.contains(JavaModifier.SYNTHETIC) && !modifiers.contains(JavaModifier.BRIDGE)
        && (modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED));
  }

  private static ArchCondition<JavaClass> notExposeInternalTypes() {
    return new ArchCondition<>("not expose dev.sluice.internal types in their public signatures") {
      @Override
      public void check(JavaClass type, ConditionEvents events) {
        type.getSuperclass().ifPresent(t -> report(type, "extends", t.getAllInvolvedRawTypes(), events));
        type.getInterfaces().forEach(t -> report(type, "implements", t.getAllInvolvedRawTypes(), events));
        for (JavaField field : type.getFields()) {
          if (visible(field)) {
            report(field, "has the type", field.getType().getAllInvolvedRawTypes(), events);
          }
        }
        for (JavaCodeUnit unit : type.getCodeUnits()) {
          if (!visible(unit) || unit.getName().equals("<clinit>")) {
            continue;
          }
          report(unit, "returns", unit.getReturnType().getAllInvolvedRawTypes(), events);
          unit.getParameterTypes().forEach(p -> report(unit, "takes", p.getAllInvolvedRawTypes(), events));
          unit.getThrowsClause().getTypes().forEach(t -> report(unit, "throws", Set.of(t), events));
        }
      }
    };
  }

  private static void report(HasDescription owner, String how, Set<JavaClass> types, ConditionEvents events) {
    for (JavaClass t : types) {
      if (isInternal(t)) {
        events.add(SimpleConditionEvent.violated(owner, owner.getDescription() + " " + how + " "
            + t.getName() + ", an internal type"));
      }
    }
  }

  private static boolean isInternal(JavaClass type) {
    return type.getPackageName().startsWith("dev.sluice.internal");
  }
}

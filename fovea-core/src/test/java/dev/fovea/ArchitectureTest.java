package dev.fovea;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The package structure of fovea-core (docs/architecture.md): no package cycles, and the layer
 * package below training. Main classes only: tests may reach across packages.
 */
class ArchitectureTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.fovea");

    @Test
    void packagesAreFreeOfCycles() {
        assertFalse(CORE.isEmpty(), "the importer found fovea-core's classes");
        slices().matching("dev.fovea.(**)").should().beFreeOfCycles().check(CORE);
    }

    /** Spelled out beyond the cycle rule, because these are the directions that once went wrong. */
    @Test
    void layersAndOptimizersDoNotDependOnTrainingModelsOrFiles() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.fovea.tensor..", "dev.fovea.ops..", "dev.fovea.nn..", "dev.fovea.optim..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fovea.train..", "dev.fovea.model..", "dev.fovea.io..");
        rule.check(CORE);
    }

    @Test
    void trainingDoesNotDependOnModelsOrFiles() {
        noClasses().that().resideInAPackage("dev.fovea.train..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.fovea.model..", "dev.fovea.io..")
                .check(CORE);
    }

    @Test
    void importerSeesEveryPackage() {
        for (String p : new String[] {"dev.fovea.tensor", "dev.fovea.ops", "dev.fovea.nn", "dev.fovea.optim",
                "dev.fovea.train", "dev.fovea.model", "dev.fovea.io"}) {
            assertTrue(CORE.containPackage(p), "imported package " + p);
        }
    }
}

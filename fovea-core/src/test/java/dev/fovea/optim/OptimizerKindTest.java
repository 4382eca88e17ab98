package dev.fovea.optim;

import dev.fovea.FoveaException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OptimizerKindTest {
    @Test
    void namesRoundTripAndUnknownNamesListTheAccepted() {
        for (OptimizerKind k : OptimizerKind.values()) assertEquals(k, OptimizerKind.of(k.id().toUpperCase()));
        for (ScheduleKind k : ScheduleKind.values()) assertEquals(k, ScheduleKind.of(k.id()));
        assertEquals("OptimizerKind.of: unknown optimizer \"adagrad\"; accepted: adam, adamw, sgd, rmsprop",
                assertThrows(FoveaException.class, () -> OptimizerKind.of("adagrad")).getMessage());
        assertEquals("ScheduleKind.of: unknown schedule \"linear\"; accepted: constant, step, cosine, one-cycle",
                assertThrows(FoveaException.class, () -> ScheduleKind.of("linear")).getMessage());
    }
}

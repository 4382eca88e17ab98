package dev.fovea.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmupPolicyTest {
    @Test
    void stopsOnceTwoRoundsAgreeAfterTheMinimumRounds() {
        double[][] rates = {{10, 1}, {50, 1}, {98, 1}, {100, 1.02}, {100, 1}};
        int[] i = {0};
        WarmupPolicy.Result r = new WarmupPolicy(0, 60, 0.05, 3).run(() -> rates[i[0]++]);
        assertTrue(r.stable());
        assertEquals(4, r.rounds());
    }

    @Test
    void givesUpAtTheTimeLimitAndSaysSo() {
        int[] i = {0};
        WarmupPolicy.Result r = new WarmupPolicy(0, 0.05, 0.05, 3).run(() -> {
            sleep();
            return new double[] {++i[0] % 2 == 0 ? 1 : 2};
        });
        assertFalse(r.stable());
        assertTrue(r.seconds() >= 0.05);
    }

    @Test
    void runsTheMinimumRoundsEvenPastTheTimeLimit() {
        WarmupPolicy.Result r = new WarmupPolicy(0, 0.001, 0.05, 3).run(() -> {
            sleep();
            return new double[] {1};
        });
        assertEquals(3, r.rounds());
    }

    @Test
    void refusesRulesThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupPolicy(5, 1, 0.05, 3));
        assertThrows(IllegalArgumentException.class, () -> new WarmupPolicy(0, 1, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> new WarmupPolicy(0, 1, 0.05, 1));
    }

    private static void sleep() {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.bottleneck.engine;

import dev.bottleneck.InvalidInputException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EngineSetupTest {

    @Test
    void otherProcessesShareSubtractsOurOwnTime() {
        EngineSetup.CpuSample a = new EngineSetup.CpuSample(0, 1000, 4000, 100);
        // 1000 ticks in the window, 600 busy, 200 of them ours: others used 40%
        EngineSetup.CpuSample b = new EngineSetup.CpuSample(1, 1600, 5000, 300);
        assertThat(a.otherShareUntil(b)).isCloseTo(0.4, within(1e-9));
        // only we were busy: idle
        EngineSetup.CpuSample c = new EngineSetup.CpuSample(1, 1300, 5000, 400);
        assertThat(a.otherShareUntil(c)).isZero();
        // no ticks elapsed: idle, no division by zero
        assertThat(a.otherShareUntil(a)).isZero();
    }

    @Test
    void readsThisMachinesCounters() {
        EngineSetup.CpuSample s = EngineSetup.CpuSample.read();
        assertThat(s.total()).isPositive();
        assertThat(s.busy()).isBetween(0L, s.total());
    }

    @Test
    void badOptionsAreRefused() {
        assertThatThrownBy(() -> new EngineSetup.Options(0, null, null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--threads must be at least 1");
        assertThatThrownBy(() -> new EngineSetup.Options(null, "sometimes", null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("known: auto, passive, active");
    }

    @Test
    void appliesOnceAndReportsWhatIsInForce() {
        EngineSetup.Settings s = EngineSetup.ensureApplied();
        assertThat(s).isSameAs(EngineSetup.ensureApplied());
        assertThat(s.ompWaitPolicyReason()).isNotBlank();
        assertThat(s.convRoute()).isNotNull();
    }
}

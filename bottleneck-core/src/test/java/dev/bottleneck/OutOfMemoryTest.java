package dev.bottleneck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bottleneck.model.Autoencoder;
import dev.bottleneck.model.ModelConfig;
import org.junit.jupiter.api.Test;

/** Failed allocations become one clear runtime error, not an "internal error" (issue 9, item 5). */
class OutOfMemoryTest {

    @Test
    void javaHeapAndNativeFailuresAreRecognised() {
        assertThat(OutOfMemory.isAllocationFailure(new OutOfMemoryError("Java heap space"))).isTrue();
        RuntimeException engine = new RuntimeException("[enforce fail at alloc_cpu.cpp:119] err == 0. DefaultCPUAllocator: "
                + "can't allocate memory: you tried to allocate 2048000000000 bytes. Error code 12 (Cannot allocate memory)");
        assertThat(OutOfMemory.isAllocationFailure(new IllegalStateException("wrapped", engine))).isTrue();
        assertThat(OutOfMemory.isAllocationFailure(new IllegalStateException("shape mismatch"))).isFalse();

        BottleneckException e = OutOfMemory.error("the weights", -1, engine);
        assertThat(e.getMessage()).startsWith("not enough memory for the weights: 2,048,000,000,000 bytes needed (1.9 TiB)")
                .doesNotContain("\n");
        assertThat(e).isNotInstanceOf(InvalidInputException.class);
        assertThat(OutOfMemory.error("4 images of 1x16000x16000", 4_096_000_000L, new OutOfMemoryError("Java heap space"))
                .getMessage()).contains("4,096,000,000 bytes needed (3.8 GiB)").contains("Java heap").contains("-Xmx");
    }

    @Test
    void aCodeTooLargeForMemoryIsReportedWithItsSize() {
        // --latent 2000000000 on a 4-column table: libtorch refuses the 65536 x 2e9 weight matrix
        // (477 TiB: more than a 47-bit address space, so no allocator can pretend to have it)
        ModelConfig c = ModelConfig.builder().arch("mlp").inputShape(4).hidden(65536).latent(2_000_000_000).output("none").build();
        assertThatThrownBy(() -> Autoencoder.create(c, 0)).isExactlyInstanceOf(BottleneckException.class)
                .hasMessageStartingWith("not enough memory for the weights of this ae model (mlp, input [4], latent 2000000000): ")
                .hasMessageContaining("bytes needed");
    }
}

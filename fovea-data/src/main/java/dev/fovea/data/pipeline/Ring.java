package dev.fovea.data.pipeline;

/** The K slots and the epoch order an iterator works with; kept by its {@link StreamingData} between epochs. */
final class Ring {
    final int batchSize;
    final Slot[] slots;
    final int[] order;   // (N) the epoch's example order

    Ring(int batchSize, int slots, int scratchSize, int examples) {
        this.batchSize = batchSize;
        this.slots = new Slot[slots];
        for (int i = 0; i < slots; i++) this.slots[i] = new Slot(scratchSize);
        this.order = new int[examples];
    }
}

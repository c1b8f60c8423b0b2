package io.deetune.firewall.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deetune.firewall.BlockedEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Blocks asked for before the stage is loaded keep their end: the block's time runs from the request. */
class BlocklistStateTest {

    @Test
    void aPendingBlockShowsWhenItEndsAndGoesWhenItHasEnded() throws InterruptedException {
        BlocklistState state = new BlocklistState();
        Instant before = Instant.now();
        state.block(Cidr.parse("192.0.2.0/24"), Duration.ofSeconds(60));
        state.block(Cidr.parse("198.51.100.7"), null);
        state.block(Cidr.parse("203.0.113.0/24"), Duration.ofMillis(50));
        List<BlockedEntry> entries = state.entries();
        assertEquals(3, entries.size(), entries.toString());
        Instant end = entries.get(0).expiresAt().orElseThrow();
        assertTrue(!end.isBefore(before.plusSeconds(60)) && end.isBefore(Instant.now().plusSeconds(61)), end.toString());
        assertTrue(entries.get(1).expiresAt().isEmpty(), "a block without duration lasts until unblocked");
        Thread.sleep(120);
        assertEquals(List.of("192.0.2.0/24", "198.51.100.7/32"), state.entries().stream().map(BlockedEntry::cidr).toList());
    }
}

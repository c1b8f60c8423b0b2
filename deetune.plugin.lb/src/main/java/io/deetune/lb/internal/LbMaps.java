package io.deetune.lb.internal;

import io.deetune.bpf.BpfMap;
import io.deetune.bpf.Codec;
import io.deetune.bpf.TypedMap;
import java.util.function.Function;

/** The stage's state maps (names as in lb_maps.h), seen through their codecs. */
final class LbMaps {

    final TypedMap<VipKey, ServiceEntry> services;
    final TypedMap<Integer, BackendEntry> backends;
    final TypedMap<Integer, Integer> rings;
    final TypedMap<Integer, Long> turns;
    final TypedMap<Integer, Long> backendFlows;
    final TypedMap<FlowKey, FlowEntry> flows;
    final BpfMap replies;
    final TypedMap<FlowKey, FlowEntry> halfOpen;
    final BpfMap halfOpenReplies;
    /** lb_settings: one {@code struct lb_settings}, whose only field is the half-open timeout in ns. */
    final TypedMap<Integer, Long> settings;
    final TypedMap<Integer, Stats> serviceStats;
    final TypedMap<Integer, Stats> backendStats;
    final TypedMap<Integer, Long> counters;

    LbMaps(Function<String, BpfMap> byName) {
        services = byName.apply("lb_services").typed(VipKey.CODEC, ServiceEntry.CODEC);
        backends = byName.apply("lb_backends").typed(Codec.U32, BackendEntry.CODEC);
        rings = byName.apply("lb_rings").typed(Codec.U32, Codec.U32);
        turns = byName.apply("lb_turns").typed(Codec.U32, Codec.U64);
        backendFlows = byName.apply("lb_backend_flows").typed(Codec.U32, Codec.U64);
        flows = byName.apply("lb_flows").typed(FlowKey.CODEC, FlowEntry.CODEC);
        replies = byName.apply("lb_replies");
        halfOpen = byName.apply("lb_half_open").typed(FlowKey.CODEC, FlowEntry.CODEC);
        halfOpenReplies = byName.apply("lb_half_open_replies");
        settings = byName.apply("lb_settings").typed(Codec.U32, Codec.U64);
        serviceStats = byName.apply("lb_service_stats").typed(Codec.U32, Stats.CODEC);
        backendStats = byName.apply("lb_backend_stats").typed(Codec.U32, Stats.CODEC);
        counters = byName.apply("lb_counters").typed(Codec.U32, Codec.U64);
    }

    TypedMap<FlowKey, ReplyEntry> replies(int family) {
        return replies.typed(FlowKey.CODEC, ReplyEntry.of(family));
    }
}

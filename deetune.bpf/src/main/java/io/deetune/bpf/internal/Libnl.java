package io.deetune.bpf.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.deetune.bpf.internal.Native.Fn;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.SymbolLookup;

/**
 * Downcalls into libnl 3 ({@code libnl-3.so.200}) and its generic netlink part ({@code libnl-genl-3.so.200}), for
 * the kernel's generic netlink families (such as {@code netdev}). Names are the C names; signatures follow
 * {@code netlink/*.h} and {@code netlink/genl/*.h}. libnl reports failures as negative {@code NLE_*} codes, which
 * {@link #check} turns into exceptions with libnl's text.
 *
 * <p>Opened on first use of {@link Fns}, so a host without libnl loses only the netlink queries, not the binding.
 */
public final class Libnl {

    private Libnl() {}

    /** How libnl callbacks answer: go on with the next message. */
    public static final int NL_OK = 0;
    /** {@code enum nl_cb_type}: a valid message of the reply. */
    public static final int NL_CB_VALID = 0;
    /** {@code enum nl_cb_kind}: the caller's own handler. */
    public static final int NL_CB_CUSTOM = 3;
    /** Auto-assigned port and sequence number for genlmsg_put. */
    public static final int NL_AUTO_PORT = 0;
    public static final int NL_AUTO_SEQ = 0;
    /** {@code NLM_F_REQUEST | NLM_F_DUMP} of linux/netlink.h: every object instead of one. */
    public static final int NLM_F_DUMP = 0x300;

    private static final String INSTALL = "install libnl 3 with its generic netlink part (Debian: apt-get install libnl-3-200 libnl-genl-3-200)";

    /** The functions; the first use of this holder opens the libraries and fails with what to install. */
    public static final class Fns {
        private Fns() {}

        private static final SymbolLookup NL = Native.library("libnl-3.so.200", INSTALL);
        private static final SymbolLookup GENL = Native.library("libnl-genl-3.so.200", INSTALL);

        // --- sockets (netlink/socket.h, netlink/netlink.h)
        public static final Fn SOCKET_ALLOC = nl("nl_socket_alloc", ADDRESS);
        public static final Fn SOCKET_FREE = nl("nl_socket_free", null, ADDRESS);
        public static final Fn SOCKET_MODIFY_CB = nl("nl_socket_modify_cb", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        public static final Fn SOCKET_ADD_MEMBERSHIP = nl("nl_socket_add_membership", JAVA_INT, ADDRESS, JAVA_INT);
        public static final Fn SOCKET_GET_FD = nl("nl_socket_get_fd", JAVA_INT, ADDRESS);
        public static final Fn SEND_AUTO = nl("nl_send_auto", JAVA_INT, ADDRESS, ADDRESS);
        public static final Fn RECVMSGS_DEFAULT = nl("nl_recvmsgs_default", JAVA_INT, ADDRESS);
        public static final Fn GETERROR = nl("nl_geterror", ADDRESS, JAVA_INT);

        // --- messages and attributes (netlink/msg.h, netlink/attr.h)
        public static final Fn MSG_ALLOC = nl("nlmsg_alloc", ADDRESS);
        public static final Fn MSG_FREE = nl("nlmsg_free", null, ADDRESS);
        public static final Fn MSG_HDR = nl("nlmsg_hdr", ADDRESS, ADDRESS);
        public static final Fn ATTR_GET_U32 = nl("nla_get_u32", JAVA_INT, ADDRESS);
        public static final Fn ATTR_GET_U64 = nl("nla_get_u64", JAVA_LONG, ADDRESS);

        // --- generic netlink (netlink/genl/genl.h, netlink/genl/ctrl.h)
        public static final Fn GENL_CONNECT = genl("genl_connect", JAVA_INT, ADDRESS);
        public static final Fn GENL_CTRL_RESOLVE = genl("genl_ctrl_resolve", JAVA_INT, ADDRESS, ADDRESS);
        public static final Fn GENL_CTRL_RESOLVE_GRP = genl("genl_ctrl_resolve_grp", JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        public static final Fn GENLMSG_PUT = genl("genlmsg_put", ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_BYTE, JAVA_BYTE);
        public static final Fn GENLMSG_PARSE = genl("genlmsg_parse", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);

        private static Fn nl(String name, MemoryLayout ret, MemoryLayout... args) {
            return Native.linkPure(NL, name, ret == null ? FunctionDescriptor.ofVoid(args) : FunctionDescriptor.of(ret, args));
        }

        private static Fn genl(String name, MemoryLayout ret, MemoryLayout... args) {
            return Native.linkPure(GENL, name, FunctionDescriptor.of(ret, args));
        }
    }

    /** Fails, saying what to install, unless both libraries are there; call it before the first use of {@link Fns}. */
    public static void require() {
        Native.library("libnl-3.so.200", INSTALL);
        Native.library("libnl-genl-3.so.200", INSTALL);
    }

    /** Returns {@code rc} unless it is a (negative) libnl error, which fails naming the call and libnl's text. */
    public static int check(int rc, String call, String context) {
        if (rc < 0) {
            throw new IllegalStateException(context + ": " + call + " failed: " + errorText(rc) + " (libnl error " + -rc + ")");
        }
        return rc;
    }

    /** libnl's text for one of its error codes. */
    public static String errorText(int rc) {
        return Native.string(Native.call(Fns.GETERROR, rc).asPointer());
    }
}

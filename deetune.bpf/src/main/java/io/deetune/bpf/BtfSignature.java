package io.deetune.bpf;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/**
 * Writes a BTF type as canonical text (see {@link Btf#signature}). Pointers are described by what they point to,
 * not followed, so the text is finite for self-referencing types.
 */
final class BtfSignature {

    private static final int MAX_DEPTH = 32;
    private static final int HEADER = 12;

    private final Btf btf;

    BtfSignature(Btf btf) {
        this.btf = btf;
    }

    String of(int id) {
        StringBuilder out = new StringBuilder();
        write(id, out, 0);
        return out.toString();
    }

    private void write(int id, StringBuilder out, int depth) {
        if (id == 0) {
            out.append("void");
            return;
        }
        if (depth > MAX_DEPTH) {
            out.append("...");
            return;
        }
        MemorySegment type = btf.type(id);
        int info = type.get(JAVA_INT, 4);
        int sizeOrType = type.get(JAVA_INT, 8);
        String name = btf.name(type.get(JAVA_INT, 0));
        switch (Btf.kind(info)) {
            case 1 -> { // INT
                int bits = type.get(JAVA_INT, HEADER);
                int encoding = (bits >>> 24) & 0xf;
                out.append((encoding & 4) != 0 ? "bool" : (encoding & 2) != 0 ? "char" : (encoding & 1) != 0 ? "s" : "u")
                        .append(bits & 0xff);
                if (((bits >>> 16) & 0xff) != 0) {
                    out.append('@').append((bits >>> 16) & 0xff);
                }
                if (sizeOrType * 8 != (bits & 0xff)) {
                    out.append('/').append(sizeOrType);
                }
            }
            case 2 -> { // PTR
                out.append('*');
                MemorySegment target = btf.type(resolve(sizeOrType));
                int targetKind = Btf.kind(target.get(JAVA_INT, 4));
                if (targetKind == 4 || targetKind == 5 || targetKind == 6 || targetKind == 7 || targetKind == 19) {
                    out.append(kindName(targetKind)).append(' ').append(btf.name(target.get(JAVA_INT, 0)));
                } else {
                    write(sizeOrType, out, depth + 1);
                }
            }
            case 3 -> { // ARRAY
                write(type.get(JAVA_INT, HEADER), out, depth + 1);
                out.append('[').append(Integer.toUnsignedString(type.get(JAVA_INT, HEADER + 8))).append(']');
            }
            case 4, 5 -> { // STRUCT, UNION
                boolean bitfields = (info >>> 31) != 0;
                out.append(kindName(Btf.kind(info))).append(' ').append(name).append('(').append(sizeOrType).append("){");
                for (int i = 0; i < Btf.vlen(info); i++) {
                    long member = HEADER + 12L * i;
                    int offset = type.get(JAVA_INT, member + 8);
                    out.append(btf.name(type.get(JAVA_INT, member))).append('@')
                            .append(bitfields ? offset & 0xffffff : offset);
                    if (bitfields && (offset >>> 24) != 0) {
                        out.append(':').append(offset >>> 24);
                    }
                    out.append(' ');
                    write(type.get(JAVA_INT, member + 4), out, depth + 1);
                    out.append(';');
                }
                out.append('}');
            }
            case 6, 19 -> { // ENUM, ENUM64
                int entry = Btf.kind(info) == 6 ? 8 : 12;
                out.append("enum ").append(name).append('(').append(sizeOrType).append("){");
                for (int i = 0; i < Btf.vlen(info); i++) {
                    long value = HEADER + (long) entry * i;
                    long number = entry == 8 ? type.get(JAVA_INT, value + 4)
                            : (Integer.toUnsignedLong(type.get(JAVA_INT, value + 4)) | ((long) type.get(JAVA_INT, value + 8) << 32));
                    out.append(btf.name(type.get(JAVA_INT, value))).append('=').append(number).append(';');
                }
                out.append('}');
            }
            case 7 -> out.append("fwd ").append((info >>> 31) != 0 ? "union " : "struct ").append(name);
            case 8, 9, 10, 11, 18 -> write(sizeOrType, out, depth); // TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG
            case 16 -> out.append('f').append(sizeOrType * 8); // FLOAT
            default -> out.append("kind").append(Btf.kind(info)).append(' ').append(name);
        }
    }

    /** Looks through typedefs and qualifiers. */
    private int resolve(int id) {
        for (int depth = 0; id != 0 && depth < MAX_DEPTH; depth++) {
            MemorySegment type = btf.type(id);
            int kind = Btf.kind(type.get(JAVA_INT, 4));
            if (kind != 8 && kind != 9 && kind != 10 && kind != 11 && kind != 18) {
                return id;
            }
            id = type.get(JAVA_INT, 8);
        }
        return id;
    }

    private static String kindName(int kind) {
        return switch (kind) {
            case 4 -> "struct";
            case 5 -> "union";
            case 6, 19 -> "enum";
            case 7 -> "fwd";
            default -> "kind" + kind;
        };
    }
}

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generates dev.sqlrl.bindings.SqlrlNative (Java FFM downcalls) from native/include/sqlrl.h.
 * jextract is not obtainable from the registries this project builds from, and the header keeps
 * to a small C subset (see its top comment), so a parser of that subset is all that is needed.
 * Functions returning const char* return a Java String.
 * Run as a single-file program: java GenerateBindings.java HEADER OUT_DIR
 */
public final class GenerateBindings {
    record Param(String cType, String name) {}
    record Function(String returnType, String name, List<Param> params) {}
    record Constant(String name, String value) {}
    /** A parameter struct: fields in order, each at its C offset (natural alignment, as x86-64 and aarch64 lay out). */
    record Field(String cType, String name, long offset) {}
    record Struct(String name, List<Field> fields, long size, long alignment) {}

    static final Pattern DEFINE = Pattern.compile("^#define\\s+(SQLRL_[A-Z0-9_]+)\\s+(-?\\d+)\\s*$", Pattern.MULTILINE);
    static final Pattern STRUCT = Pattern.compile(
            "typedef\\s+struct\\s+(sqlrl_[a-z0-9_]+)\\s*\\{([^}]*)\\}\\s*\\1\\s*;", Pattern.DOTALL);
    static final Pattern FUNCTION = Pattern.compile(
            "SQLRL_API\\s+([A-Za-z0-9_ ]+?\\s*\\**)\\s*(sqlrl_[a-z0-9_]+)\\s*\\(([^)]*)\\)\\s*;", Pattern.DOTALL);

    public static void main(String[] args) throws IOException {
        if (args.length != 2) throw new IllegalArgumentException("usage: GenerateBindings HEADER OUT_DIR");
        String header = Files.readString(Path.of(args[0]));
        List<Constant> constants = new ArrayList<>();
        Matcher d = DEFINE.matcher(header);
        while (d.find()) constants.add(new Constant(d.group(1), d.group(2)));
        List<Function> functions = parseFunctions(header);
        List<Struct> structs = parseStructs(header);
        if (functions.isEmpty()) throw new IllegalStateException("no SQLRL_API functions found in " + args[0]);
        Path out = Path.of(args[1], "dev/sqlrl/bindings/SqlrlNative.java");
        Files.createDirectories(out.getParent());
        String source = render(constants, structs, functions);
        if (!Files.exists(out) || !Files.readString(out).equals(source)) Files.writeString(out, source);
    }

    static List<Function> parseFunctions(String header) {
        List<Function> functions = new ArrayList<>();
        Matcher m = FUNCTION.matcher(stripLineComments(header));
        while (m.find()) {
            String ret = normalize(m.group(1));
            List<Param> params = new ArrayList<>();
            String list = m.group(3).trim();
            if (!list.isEmpty() && !list.equals("void")) {
                for (String p : list.split(",")) {
                    String t = normalize(p);
                    int cut = Math.max(t.lastIndexOf(' '), t.lastIndexOf('*'));
                    if (cut < 0) throw new IllegalStateException("parameter without a name in " + m.group(2) + ": " + p);
                    params.add(new Param(normalize(t.substring(0, cut + 1)), t.substring(cut + 1).trim()));
                }
            }
            functions.add(new Function(ret, m.group(2), params));
        }
        return functions;
    }

    static List<Struct> parseStructs(String header) {
        List<Struct> structs = new ArrayList<>();
        Matcher m = STRUCT.matcher(stripLineComments(header));
        while (m.find()) {
            List<Field> fields = new ArrayList<>();
            long offset = 0, alignment = 1;
            for (String declaration : m.group(2).split(";")) {
                String t = normalize(declaration);
                if (t.isEmpty()) continue;
                int cut = Math.max(t.lastIndexOf(' '), t.lastIndexOf('*'));
                if (cut < 0) throw new IllegalStateException("field without a name in " + m.group(1) + ": " + declaration);
                String type = normalize(t.substring(0, cut + 1));
                long size = byteSize(type, m.group(1));
                offset = (offset + size - 1) / size * size;  // natural alignment: a field sits at a multiple of its size
                fields.add(new Field(type, t.substring(cut + 1).trim(), offset));
                offset += size;
                alignment = Math.max(alignment, size);
            }
            structs.add(new Struct(m.group(1), fields, (offset + alignment - 1) / alignment * alignment, alignment));
        }
        return structs;
    }

    static long byteSize(String cType, String where) {
        if (cType.endsWith("*")) return 8;
        return switch (cType) {
            case "int32_t", "float" -> 4;
            case "int64_t", "uint64_t", "double" -> 8;
            default -> throw new IllegalStateException("type '" + cType + "' of " + where + " is outside the ABI subset");
        };
    }

    static String stripLineComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
    }

    static String normalize(String t) {
        return t.replaceAll("\\s+", " ").replaceAll("\\s*\\*\\s*", "*").replace("const ", "").trim();
    }

    /** Java type and FFM layout for a C type of the subset. */
    static String[] map(String cType, String where) {
        if (cType.endsWith("*")) return new String[] {"MemorySegment", "ValueLayout.ADDRESS"};
        return switch (cType) {
            case "int32_t" -> new String[] {"int", "ValueLayout.JAVA_INT"};
            case "int64_t", "uint64_t" -> new String[] {"long", "ValueLayout.JAVA_LONG"};
            case "float" -> new String[] {"float", "ValueLayout.JAVA_FLOAT"};
            case "double" -> new String[] {"double", "ValueLayout.JAVA_DOUBLE"};
            case "void" -> new String[] {"void", null};
            default -> throw new IllegalStateException("type '" + cType + "' of " + where + " is outside the ABI subset");
        };
    }

    static String camel(String cName) {
        String[] parts = (cName.startsWith("sqlrl_") ? cName.substring("sqlrl_".length()) : cName).split("_");
        StringBuilder b = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) b.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
        return b.toString();
    }

    static String pascal(String cName) {
        String c = camel(cName);
        return Character.toUpperCase(c.charAt(0)) + c.substring(1);
    }

    /** A struct as a Java class of constants and static accessors on a MemorySegment that holds one. */
    static void renderStruct(StringBuilder s, Struct struct) {
        s.append("\n    /** {@code ").append(struct.name()).append("}: offsets as the C compiler lays it out. */\n");
        s.append("    public static final class ").append(pascal(struct.name())).append(" {\n");
        s.append("        private ").append(pascal(struct.name())).append("() {}\n\n");
        s.append("        public static final long SIZE = ").append(struct.size()).append(";\n");
        s.append("        public static final long ALIGNMENT = ").append(struct.alignment()).append(";\n\n");
        s.append("        /** Zeroed memory for one, in the arena; fill its defaults with the struct's _init function. */\n");
        s.append("        public static MemorySegment allocate(java.lang.foreign.SegmentAllocator arena) {\n");
        s.append("            return arena.allocate(SIZE, ALIGNMENT);\n        }\n");
        for (Field f : struct.fields()) {
            String[] t = map(f.cType(), struct.name());
            String layout = t[1];
            s.append("\n        public static ").append(t[0]).append(' ').append(camel(f.name())).append("(MemorySegment struct) {\n");
            s.append("            return struct.get(").append(layout).append(", ").append(f.offset()).append(");\n        }\n");
            s.append("\n        public static void ").append(camel(f.name())).append("(MemorySegment struct, ").append(t[0])
                    .append(" value) {\n");
            s.append("            struct.set(").append(layout).append(", ").append(f.offset()).append(", value);\n        }\n");
        }
        s.append("    }\n");
    }

    static String render(List<Constant> constants, List<Struct> structs, List<Function> functions) {
        StringBuilder s = new StringBuilder();
        s.append("// GENERATED from native/include/sqlrl.h by bindings/src/build/GenerateBindings.java. Do not edit.\n");
        s.append("package dev.sqlrl.bindings;\n\n");
        s.append("import java.lang.foreign.FunctionDescriptor;\nimport java.lang.foreign.Linker;\n");
        s.append("import java.lang.foreign.MemorySegment;\nimport java.lang.foreign.SymbolLookup;\n");
        s.append("import java.lang.foreign.ValueLayout;\nimport java.lang.invoke.MethodHandle;\nimport java.util.List;\n\n");
        s.append("public final class SqlrlNative {\n    private SqlrlNative() {}\n\n");
        for (Constant c : constants) {
            s.append("    public static final int ").append(c.name().substring("SQLRL_".length())).append(" = ").append(c.value()).append(";\n");
        }
        for (Struct struct : structs) renderStruct(s, struct);
        s.append("\n    /** The C names of every function in the header, in header order. */\n");
        s.append("    public static final List<String> FUNCTIONS = List.of(\n            ");
        for (int i = 0; i < functions.size(); i++) s.append(i == 0 ? "" : ",\n            ").append('"').append(functions.get(i).name()).append('"');
        s.append(");\n\n");
        s.append("    private static final class Handles {\n");
        s.append("        static final Linker LINKER = Linker.nativeLinker();\n");
        s.append("        static final SymbolLookup LOOKUP = NativeLibrary.lookup();\n");
        s.append("        static MethodHandle find(String name, FunctionDescriptor descriptor) {\n");
        s.append("            MemorySegment address = LOOKUP.find(name).orElseThrow(() -> new UnsatisfiedLinkError(\n");
        s.append("                    \"libsqlrl lacks \" + name + \" declared in sqlrl.h: rebuild the native library\"));\n");
        s.append("            return LINKER.downcallHandle(address, descriptor);\n        }\n");
        for (Function f : functions) {
            String[] ret = map(f.returnType(), f.name());
            s.append("        static final MethodHandle ").append(f.name().toUpperCase()).append(" = find(\"").append(f.name()).append("\", ");
            s.append(ret[1] == null ? "FunctionDescriptor.ofVoid(" : "FunctionDescriptor.of(" + ret[1] + (f.params().isEmpty() ? "" : ", "));
            for (int j = 0; j < f.params().size(); j++) {
                s.append(j == 0 ? "" : ", ").append(map(f.params().get(j).cType(), f.name())[1]);
            }
            s.append("));\n");
        }
        s.append("    }\n\n");
        s.append("    /** Resolves every function now; throws if the library lacks one the header declares. */\n");
        s.append("    public static void resolveAll() {\n        Object unused = Handles.").append(functions.get(0).name().toUpperCase()).append(";\n    }\n");
        for (Function f : functions) {
            String[] ret = map(f.returnType(), f.name());
            s.append("\n    /** {@code ").append(f.returnType()).append(' ').append(f.name()).append("} */\n");
            String javaReturn = f.returnType().equals("char*") ? "String" : ret[0];
            s.append("    public static ").append(javaReturn).append(' ').append(camel(f.name())).append('(');
            for (int j = 0; j < f.params().size(); j++) {
                Param p = f.params().get(j);
                s.append(j == 0 ? "" : ", ").append(map(p.cType(), f.name())[0]).append(' ').append(p.name());
            }
            s.append(") {\n        try {\n            ");
            boolean string = f.returnType().equals("char*");
            if (string) s.append("MemorySegment cString = (MemorySegment) ");
            else if (!ret[0].equals("void")) s.append("return (").append(ret[0]).append(") ");
            s.append("Handles.").append(f.name().toUpperCase()).append(".invokeExact(");
            for (int j = 0; j < f.params().size(); j++) s.append(j == 0 ? "" : ", ").append(f.params().get(j).name());
            s.append(");\n");
            // A returned C string has no size: read it up to its NUL.
            if (string) s.append("            return cString.equals(MemorySegment.NULL) ? \"\" : cString.reinterpret(Long.MAX_VALUE).getString(0);\n");
            s.append("        } catch (Throwable t) {\n            throw new IllegalStateException(\"native call ")
                    .append(f.name()).append(" failed\", t);\n        }\n    }\n");
        }
        s.append("}\n");
        return s.toString();
    }
}

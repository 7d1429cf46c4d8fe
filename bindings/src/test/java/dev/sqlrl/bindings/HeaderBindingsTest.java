package dev.sqlrl.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The generated bindings cover the header exactly, and the library defines every function. */
class HeaderBindingsTest {
    @Test
    void everyDeclaredFunctionHasABinding() throws Exception {
        // An independent, looser scan than the generator's: a declaration it failed to parse shows up here.
        String header = Files.readString(Path.of(System.getProperty("sqlrl.header")))
                .replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("(?m)^#.*$", " ");
        Matcher m = Pattern.compile("SQLRL_API[^;(]*?\\b(sqlrl_\\w+)\\s*\\(").matcher(header);
        List<String> declared = new ArrayList<>();
        while (m.find()) declared.add(m.group(1));
        int apiMentions = header.split("\\bSQLRL_API\\b", -1).length - 1;
        assertEquals(apiMentions, declared.size(), "an SQLRL_API declaration was not recognized");
        assertEquals(declared, SqlrlNative.FUNCTIONS);
    }

    @Test
    void libraryDefinesEveryFunctionAndAgreesOnAbiVersion() {
        assumeFalse(Boolean.getBoolean("sqlrl.native.skip"), "native build skipped");
        SqlrlNative.resolveAll();
        assertEquals(SqlrlNative.ABI_VERSION, SqlrlNative.abiVersion());
    }
}

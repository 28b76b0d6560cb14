package org.stringent;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * stringent's compiled policies from Java, through the C ABI (include/stringent.h) and JNA:
 * the path a hospital's Java integration engine or FHIR server would take. Open a compiled
 * directory, ask a question by value ids, read the answer; every failure is a
 * {@link StringentException} with the library's stable code and message.
 *
 * <pre>
 * try (Stringent.Policy ca = Stringent.open("target/policies", "US-CA")) {
 *     Stringent.Decision d = ca.decide(List.of("mental_health"), "treatment", "provider", null, null);
 *     System.out.println(d.level() + " " + d.provenanceRules());
 * }
 * </pre>
 */
public final class Stringent {
    private Stringent() {}

    /** The C functions, bound by JNA. size_t is a Java long: the library targets LP64 platforms. */
    interface Lib extends Library {
        Lib C = Native.load("stringent", Lib.class, Map.of(Library.OPTION_STRING_ENCODING, "UTF-8"));

        int stringent_abi_version();
        int stringent_policy_open_dir(String dir, String jurisdiction, PointerByReference out, PointerByReference error);
        int stringent_policy_open_file(String path, PointerByReference out, PointerByReference error);
        void stringent_policy_free(Pointer policy);
        String stringent_policy_jurisdiction(Pointer policy);
        int stringent_value_index(Pointer policy, long axis, String id, IntByReference out, PointerByReference error);
        int stringent_level_at(Pointer policy, int[] point, long len, IntByReference out);
        int stringent_decide(Pointer policy, String[] categories, long nCategories, String purpose, String recipient,
                             String subject, String holder, PointerByReference out, PointerByReference error);
        void stringent_decision_free(Pointer decision);
        int stringent_decision_level(Pointer decision);
        byte stringent_decision_governed(Pointer decision);
        byte stringent_decision_mandatory(Pointer decision);
        long stringent_decision_max_validity_days(Pointer decision);
        long stringent_decision_bases_len(Pointer decision);
        String stringent_decision_basis(Pointer decision, long i);
        long stringent_decision_obligations_len(Pointer decision);
        String stringent_decision_obligation(Pointer decision, long i);
        long stringent_decision_provenance_len(Pointer decision);
        String stringent_decision_provenance_rule(Pointer decision, long i);
        String stringent_decision_json(Pointer decision);
        String stringent_level_name(int level);
        int stringent_error_status(Pointer error);
        String stringent_error_code(Pointer error);
        String stringent_error_message(Pointer error);
        void stringent_error_free(Pointer error);
    }

    /** A failed call: the status, the stable code (`unknown_value`, `io`, …) and the message. */
    public static final class StringentException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;
        private final String code;

        StringentException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public int status() { return status; }

        public String code() { return code; }
    }

    /** Turn a non-zero status and its error object into an exception, freeing the object. */
    private static void check(int status, PointerByReference error) throws StringentException {
        if (status == 0) return;
        Pointer e = error.getValue();
        try {
            throw new StringentException(status, e == null ? "unknown" : Lib.C.stringent_error_code(e),
                    e == null ? "status " + status : Lib.C.stringent_error_message(e));
        } finally {
            Lib.C.stringent_error_free(e);
        }
    }

    /** The ABI version the loaded library speaks. */
    public static int abiVersion() { return Lib.C.stringent_abi_version(); }

    /** The policy of {@code jurisdiction} in a directory written by {@code stringent compile --out}. */
    public static Policy open(String dir, String jurisdiction) throws StringentException {
        PointerByReference out = new PointerByReference();
        PointerByReference error = new PointerByReference();
        check(Lib.C.stringent_policy_open_dir(dir, jurisdiction, out, error), error);
        return new Policy(out.getValue());
    }

    /** A loaded, verified policy of one jurisdiction; close it to free it. Safe to share between threads. */
    public static final class Policy implements AutoCloseable {
        private Pointer handle;

        private Policy(Pointer handle) { this.handle = handle; }

        public String jurisdiction() { return Lib.C.stringent_policy_jurisdiction(handle); }

        /** The position of value {@code id} on axis {@code axis} (0 = category … 4 = holder). */
        public int valueIndex(int axis, String id) throws StringentException {
            IntByReference out = new IntByReference();
            PointerByReference error = new PointerByReference();
            check(Lib.C.stringent_value_index(handle, axis, id, out, error), error);
            return out.getValue();
        }

        /** The level of one cell by value positions: the hot path, no allocation in the library. */
        public String levelAt(int[] point) throws StringentException {
            IntByReference out = new IntByReference();
            int status = Lib.C.stringent_level_at(handle, point, point.length, out);
            if (status != 0) throw new StringentException(status, "out_of_range", "no cell at that point");
            return Lib.C.stringent_level_name(out.getValue());
        }

        /** Answer a question by value ids; {@code subject} and {@code holder} may be null for the defaults. */
        public Decision decide(List<String> categories, String purpose, String recipient, String subject, String holder)
                throws StringentException {
            PointerByReference out = new PointerByReference();
            PointerByReference error = new PointerByReference();
            String[] asked = categories.toArray(new String[0]);
            check(Lib.C.stringent_decide(handle, asked, asked.length, purpose, recipient, subject, holder, out, error), error);
            Pointer d = out.getValue();
            try {
                return new Decision(d);
            } finally {
                Lib.C.stringent_decision_free(d);
            }
        }

        @Override
        public void close() {
            Lib.C.stringent_policy_free(handle);
            handle = null;
        }
    }

    /** An answer, copied out of the library: immutable. {@link #json()} is the whole decision as JSON. */
    public record Decision(String level, boolean governed, boolean mandatory, long maxValidityDays, List<String> bases,
                           List<String> obligations, List<String> provenanceRules, String json) {
        Decision(Pointer d) {
            this(Lib.C.stringent_level_name(Lib.C.stringent_decision_level(d)),
                 Lib.C.stringent_decision_governed(d) != 0,
                 Lib.C.stringent_decision_mandatory(d) != 0,
                 Lib.C.stringent_decision_max_validity_days(d),
                 list(d, Lib.C.stringent_decision_bases_len(d), Lib.C::stringent_decision_basis),
                 list(d, Lib.C.stringent_decision_obligations_len(d), Lib.C::stringent_decision_obligation),
                 list(d, Lib.C.stringent_decision_provenance_len(d), Lib.C::stringent_decision_provenance_rule),
                 Lib.C.stringent_decision_json(d));
        }

        private interface Item { String at(Pointer d, long i); }

        private static List<String> list(Pointer d, long n, Item item) {
            List<String> out = new ArrayList<>();
            for (long i = 0; i < n; i++) out.add(item.at(d, i));
            return Collections.unmodifiableList(out);
        }
    }
}

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.stringent.Stringent;

/**
 * The golden vectors through the Java binding: the same input and output as tests/c/golden.c
 * (crates/stringent-ffi/tests/callers.rs writes the questions and checks the answers).
 *
 *   java GoldenVectors COMPILED_DIR < questions.tsv > answers.tsv
 */
public class GoldenVectors {
    public static void main(String[] args) throws Exception {
        String dir = args[0];
        Map<String, Stringent.Policy> opened = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder();
        for (String line; (line = in.readLine()) != null; ) {
            String[] f = line.split("\t", -1);
            Stringent.Policy policy = opened.get(f[0]);
            if (policy == null) {
                policy = Stringent.open(dir, f[0]);
                opened.put(f[0], policy);
            }
            try {
                Stringent.Decision d = policy.decide(Arrays.asList(f[1].split(",")), f[2], f[3], f[4], f[5]);
                String byIndices = "-";
                if (!f[6].equals("-")) {
                    int[] point = Arrays.stream(f[6].split(",")).mapToInt(Integer::parseInt).toArray();
                    String[] names = {f[1].split(",")[0], f[2], f[3], f[4], f[5]};
                    for (int a = 0; a < names.length; a++) {
                        if (policy.valueIndex(a, names[a]) != point[a]) throw new AssertionError("index of " + names[a]);
                    }
                    byIndices = policy.levelAt(point);
                }
                out.append(String.join("\t", "ok", d.level(), d.governed() ? "1" : "0", d.mandatory() ? "1" : "0",
                        Long.toString(d.maxValidityDays()), String.join(",", d.bases()), String.join(",", d.obligations()),
                        String.join(",", d.provenanceRules()), byIndices, d.json())).append('\n');
            } catch (Stringent.StringentException e) {
                out.append(String.join("\t", "error", Integer.toString(e.status()), e.code(), e.getMessage())).append('\n');
            }
        }
        for (Stringent.Policy p : opened.values()) p.close();
        System.out.print(out);
    }
}

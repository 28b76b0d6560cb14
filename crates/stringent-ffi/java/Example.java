import java.util.List;
import org.stringent.Stringent;

/** The README's Java example: ask one question of a compiled policy. */
public class Example {
    public static void main(String[] args) throws Exception {
        String dir = args.length > 0 ? args[0] : "target/policies";
        try (Stringent.Policy ca = Stringent.open(dir, "US-CA")) {
            Stringent.Decision d = ca.decide(List.of("mental_health"), "employment", "employer", null, null);
            System.out.println(ca.jurisdiction() + ": " + d.level() + " (governed: " + d.governed() + ")");
            System.out.println("decided by " + d.provenanceRules());
        } catch (Stringent.StringentException e) {
            System.err.println(e.code() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}

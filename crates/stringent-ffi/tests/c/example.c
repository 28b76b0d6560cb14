#include <stdio.h>
#include "stringent.h"

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "target/policies";
  StringentPolicy *ca = NULL;
  StringentError *error = NULL;
  if (stringent_policy_open_dir(dir, "US-CA", &ca, &error) != STRINGENT_STATUS_OK) {
    fprintf(stderr, "%s: %s\n", stringent_error_code(error), stringent_error_message(error));
    stringent_error_free(error);
    return 1;
  }
  const char *categories[] = {"mental_health"};
  StringentDecision *d = NULL;
  if (stringent_decide(ca, categories, 1, "employment", "employer", NULL, NULL, &d, &error) != STRINGENT_STATUS_OK) {
    fprintf(stderr, "%s: %s\n", stringent_error_code(error), stringent_error_message(error));
    stringent_error_free(error);
    stringent_policy_free(ca);
    return 1;
  }
  printf("%s: %s\n", stringent_policy_jurisdiction(ca), stringent_level_name(stringent_decision_level(d)));
  for (size_t i = 0; i < stringent_decision_provenance_len(d); i++)
    printf("  %s\n", stringent_decision_provenance_rule(d, i));
  stringent_decision_free(d);
  stringent_policy_free(ca);
  return 0;
}

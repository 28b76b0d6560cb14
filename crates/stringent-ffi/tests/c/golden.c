/* A C client of libstringent, as an integration engine would write one: it opens compiled
 * policies, asks every golden vector by names (and by value indices when the vector gives
 * them), reads the answer through the accessors and as JSON, and frees everything.
 *
 *   golden COMPILED_DIR < questions.tsv > answers.tsv
 *
 * Input, one question per line, tab-separated:
 *   jurisdiction  categories(comma-separated)  purpose  recipient  subject  holder  indices(comma-separated, or -)
 * Output, one line per question:
 *   ok  level  governed  mandatory  max_validity_days  bases(,)  obligations(,)  provenance rules(,)  level_by_indices(or -)  decision JSON
 *   error  status  code  message
 * crates/stringent-ffi/tests/callers.rs writes the input from tests/vectors/decisions.json and
 * compares the output with the vectors' expectations. Before the questions, the program
 * checks the ABI's error paths itself and exits non-zero when one misbehaves. */
#define _POSIX_C_SOURCE 200809L
#include "stringent.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 8192
#define MAX_CATEGORIES 16

static int failures = 0;

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      fprintf(stderr, "golden.c:%d: check failed: %s\n", __LINE__, #cond);          \
      failures++;                                                                   \
    }                                                                               \
  } while (0)

struct opened {
  char *jurisdiction;
  StringentPolicy *policy;
  struct opened *next;
};

static StringentPolicy *open_cached(struct opened **list, const char *dir, const char *jurisdiction) {
  for (struct opened *o = *list; o; o = o->next)
    if (strcmp(o->jurisdiction, jurisdiction) == 0) return o->policy;
  StringentPolicy *policy = NULL;
  StringentError *error = NULL;
  if (stringent_policy_open_dir(dir, jurisdiction, &policy, &error) != STRINGENT_STATUS_OK) {
    fprintf(stderr, "cannot open %s: %s\n", jurisdiction, stringent_error_message(error));
    stringent_error_free(error);
    exit(2);
  }
  CHECK(strcmp(stringent_policy_jurisdiction(policy), jurisdiction) == 0);
  struct opened *o = malloc(sizeof *o);
  o->jurisdiction = strdup(jurisdiction);
  o->policy = policy;
  o->next = *list;
  *list = o;
  return policy;
}

static void join(const StringentDecision *d, size_t (*len)(const StringentDecision *),
                 const char *(*item)(const StringentDecision *, size_t)) {
  size_t n = len(d);
  for (size_t i = 0; i < n; i++) printf("%s%s", i ? "," : "", item(d, i));
  CHECK(item(d, n) == NULL); /* one past the end is NULL, never a stray pointer */
}

/* The ABI's own promises on bad input: statuses, codes, NULL tolerated where documented. */
static void error_paths(const char *dir) {
  StringentPolicy *policy = NULL;
  StringentError *error = NULL;

  CHECK(stringent_abi_version() == STRINGENT_ABI_VERSION);
  CHECK(stringent_policy_open_file(NULL, &policy, &error) == STRINGENT_STATUS_NULL_ARGUMENT);
  CHECK(strcmp(stringent_error_code(error), "null_argument") == 0);
  stringent_error_free(error);
  error = NULL;

  CHECK(stringent_policy_open_file("/nonexistent/US.json", &policy, &error) == STRINGENT_STATUS_LOAD);
  CHECK(strcmp(stringent_error_code(error), "io") == 0);
  CHECK(stringent_error_status(error) == STRINGENT_STATUS_LOAD);
  stringent_error_free(error);
  error = NULL;

  const char junk[] = "{\"format\": \"something else\"}";
  CHECK(stringent_policy_from_json((const uint8_t *)junk, sizeof junk - 1, &policy, &error) == STRINGENT_STATUS_LOAD);
  stringent_error_free(error);
  error = NULL;

  /* A status without an error object: NULL for `error` is allowed. */
  CHECK(stringent_policy_open_dir(dir, "US-NOWHERE", &policy, NULL) == STRINGENT_STATUS_LOAD);
  CHECK(stringent_policy_open_dir(dir, "US-NOWHERE", &policy, &error) == STRINGENT_STATUS_LOAD);
  CHECK(strcmp(stringent_error_code(error), "unknown_jurisdiction") == 0);
  stringent_error_free(error);
  error = NULL;

  CHECK(stringent_policy_open_dir(dir, "US", &policy, &error) == STRINGENT_STATUS_OK);
  CHECK(stringent_policy_axes(policy) == 5);
  uint32_t index = 0;
  CHECK(stringent_value_index(policy, 99, "general", &index, NULL) == STRINGENT_STATUS_OUT_OF_RANGE);
  CHECK(stringent_value_index(policy, 0, "no_such_value", &index, &error) == STRINGENT_STATUS_QUESTION);
  CHECK(strcmp(stringent_error_code(error), "unknown_value") == 0);
  stringent_error_free(error);
  error = NULL;

  uint32_t short_point[2] = {0, 0};
  StringentLevel level = STRINGENT_LEVEL_ALLOWED;
  CHECK(stringent_level_at(policy, short_point, 2, &level) == STRINGENT_STATUS_OUT_OF_RANGE);
  uint32_t far_point[5] = {100000, 0, 0, 0, 0};
  CHECK(stringent_level_at(policy, far_point, 5, &level) == STRINGENT_STATUS_OUT_OF_RANGE);
  CHECK(stringent_level_at(NULL, far_point, 5, &level) == STRINGENT_STATUS_NULL_ARGUMENT);

  StringentDecision *decision = NULL;
  CHECK(stringent_decide(policy, NULL, 0, "treatment", "provider", NULL, NULL, &decision, &error) == STRINGENT_STATUS_QUESTION);
  CHECK(strcmp(stringent_error_code(error), "no_category") == 0);
  stringent_error_free(error);
  error = NULL;
  const char *general[] = {"general"};
  CHECK(stringent_decide(policy, general, 1, NULL, "provider", NULL, NULL, &decision, NULL) == STRINGENT_STATUS_NULL_ARGUMENT);
  const char *bad_utf8[] = {"\xff\xfe"};
  CHECK(stringent_decide(policy, bad_utf8, 1, "treatment", "provider", NULL, NULL, &decision, NULL) == STRINGENT_STATUS_INVALID_UTF8);

  /* Accessors on NULL answer the documented defaults: never a looser level. */
  CHECK(stringent_decision_level(NULL) == STRINGENT_LEVEL_PROHIBITED);
  CHECK(stringent_decision_json(NULL) == NULL);
  CHECK(stringent_level_name(7) == NULL);
  CHECK(strcmp(stringent_level_name(STRINGENT_LEVEL_SPECIFIC_AUTHORIZATION), "specific_authorization") == 0);
  stringent_decision_free(NULL);
  stringent_policy_free(NULL);
  stringent_error_free(NULL);
  stringent_policy_free(policy);
}

static int split(char *s, char sep, char **out, int max) {
  int n = 0;
  for (char *p = s; n < max;) {
    out[n++] = p;
    char *q = strchr(p, sep);
    if (!q) break;
    *q = '\0';
    p = q + 1;
  }
  return n;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: golden COMPILED_DIR < questions.tsv\n");
    return 2;
  }
  const char *dir = argv[1];
  error_paths(dir);

  struct opened *list = NULL;
  static char line[MAX_LINE];
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = '\0';
    char *field[7];
    if (split(line, '\t', field, 7) != 7) {
      fprintf(stderr, "bad input line\n");
      return 2;
    }
    StringentPolicy *policy = open_cached(&list, dir, field[0]);
    const char *categories[MAX_CATEGORIES];
    int n = split(field[1], ',', (char **)categories, MAX_CATEGORIES);

    StringentDecision *d = NULL;
    StringentError *error = NULL;
    StringentStatus status = stringent_decide(policy, categories, (size_t)n, field[2], field[3], field[4], field[5], &d, &error);
    if (status != STRINGENT_STATUS_OK) {
      printf("error\t%d\t%s\t%s\n", (int)status, stringent_error_code(error), stringent_error_message(error));
      CHECK(d == NULL);
      stringent_error_free(error);
      continue;
    }
    CHECK(error == NULL);
    printf("ok\t%s\t%d\t%d\t%lld\t", stringent_level_name(stringent_decision_level(d)), stringent_decision_governed(d),
           stringent_decision_mandatory(d), (long long)stringent_decision_max_validity_days(d));
    join(d, stringent_decision_bases_len, stringent_decision_basis);
    printf("\t");
    join(d, stringent_decision_obligations_len, stringent_decision_obligation);
    printf("\t");
    join(d, stringent_decision_provenance_len, stringent_decision_provenance_rule);
    printf("\t");
    if (strcmp(field[6], "-") == 0) {
      printf("-");
    } else {
      /* Ask again by value indices, and check that the names map to those indices. */
      char *parts[8];
      int axes = split(field[6], ',', parts, 8);
      uint32_t point[8];
      for (int a = 0; a < axes; a++) point[a] = (uint32_t)strtoul(parts[a], NULL, 10);
      const char *names[5] = {categories[0], field[2], field[3], field[4], field[5]};
      for (int a = 0; a < 5 && a < axes; a++) {
        uint32_t index = 0;
        CHECK(stringent_value_index(policy, (size_t)a, names[a], &index, NULL) == STRINGENT_STATUS_OK);
        CHECK(index == point[a]);
      }
      StringentLevel level = STRINGENT_LEVEL_ALLOWED;
      CHECK(stringent_level_at(policy, point, (size_t)axes, &level) == STRINGENT_STATUS_OK);
      printf("%s", stringent_level_name(level));
    }
    printf("\t%s\n", stringent_decision_json(d));
    stringent_decision_free(d);
  }

  while (list) {
    struct opened *next = list->next;
    stringent_policy_free(list->policy);
    free(list->jurisdiction);
    free(list);
    list = next;
  }
  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  return failures ? 1 : 0;
}

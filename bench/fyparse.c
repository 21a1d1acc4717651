/* fyparse.c — libfyaml's event parser alone over a file: the floor for
 * gauntlet's load time with the mandated YAML library (bench/run.sh). */
#include <libfyaml.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  FILE *f = fopen(argv[1], "rb");
  if (!f) return 2;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *d = malloc((size_t)n);
  size_t got = d ? fread(d, 1, (size_t)n, f) : 0;
  fclose(f);
  if (!d || got != (size_t)n) return 2;
  struct fy_parse_cfg cfg = {0};
  cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
  struct fy_parser *p = fy_parser_create(&cfg);
  fy_parser_set_string(p, d, (size_t)n);
  struct fy_event *e;
  long events = 0;
  while ((e = fy_parser_parse(p)) != NULL) {
    size_t len;
    if (e->type == FYET_SCALAR) fy_token_get_text(e->scalar.value, &len);
    fy_parser_event_free(p, e);
    events++;
  }
  fy_parser_destroy(p);
  free(d);
  printf("%ld events\n", events);
  return 0;
}

/* format_decimal.c — locale-independent fixed-point numbers for reports.
 * printf's %f follows LC_NUMERIC (a comma under de_DE), and JUnit consumers
 * require a dot, so the digits are produced from integers. */
#include "report.h"

#include <math.h>
#include <stdio.h>

void gt_format_decimal(char out[32], double v, int decimals) {
  if (decimals < 0) decimals = 0;
  if (decimals > 9) decimals = 9;
  unsigned long long scale = 1;
  for (int i = 0; i < decimals; i++)
    scale *= 10;
  /* Above ~1.8e10 with 9 decimals the product overflows: clamp, a report
   * time that large is already meaningless. */
  double limit = 1e18 / (double)scale;
  if (!(v > 0) || isnan(v)) v = 0;
  if (v > limit) v = limit;
  unsigned long long units = (unsigned long long)llround(v * (double)scale);
  unsigned long long whole = units / scale, frac = units % scale;
  if (decimals == 0) {
    snprintf(out, 32, "%llu", whole);
    return;
  }
  /* %llu and %0*llu never use locale separators. */
  snprintf(out, 32, "%llu.%0*llu", whole, decimals, frac);
}

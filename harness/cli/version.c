/* version.c — `gauntlet --version`: gauntlet's version and the run-time
 * versions of the libraries whose behaviour shows in its results. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <libfyaml.h>
#include <microhttpd.h>

#include "version.h"

void cli_version(FILE *out) {
  const curl_version_info_data *curl = curl_version_info(CURLVERSION_NOW);
  fprintf(out, "gauntlet %s\n", GAUNTLET_VERSION);
  fprintf(out, "libcurl %s", curl->version);
  if (curl->ssl_version) fprintf(out, " (%s)", curl->ssl_version);
  fprintf(out, "\nlibfyaml %s\n", fy_library_version());
  fprintf(out, "cJSON %s\n", cJSON_Version());
  fprintf(out, "libmicrohttpd %s\n", MHD_get_version());
}

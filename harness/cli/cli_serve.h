/* cli_serve.h — `gauntlet serve` (implemented in cli_serve.c). */
#ifndef GT_CLI_SERVE_H
#define GT_CLI_SERVE_H

/* argv[0] is "serve". Returns the process exit code. */
int gt_cli_serve(int argc, char **argv);

#endif

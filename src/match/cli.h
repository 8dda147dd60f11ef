/* `ovi match solve FILE` and `ovi match gen [options]` (argv[0] is "solve"
 * or "gen"). solve reads a DIMACS min-cost-flow file, solves it exactly and
 * prints the optimal objective and whether the optimality certificate checks;
 * gen makes a synthetic population and can write it as DIMACS, solve it, or
 * plan a network event. Returns the process exit code (0 ok, 1 failure,
 * 2 usage). */
#ifndef OVI_MATCH_CLI_H
#define OVI_MATCH_CLI_H

int match_cli(int argc, char **argv);

#endif

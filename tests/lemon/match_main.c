/* Stand-alone driver for the matching engine's command line (`ovi match`),
 * used by tests/lemon/run.sh and bench/match before the lead wires
 * match_cli() into the ovi binary. */
#include "match/cli.h"

int main(int argc, char **argv)
{
	return match_cli(argc - 1, argv + 1);
}

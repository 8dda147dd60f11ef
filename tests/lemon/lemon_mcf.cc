// Reference solver for the matching engine's tests and benchmark: reads a
// DIMACS min-cost-flow file with LEMON's own reader and solves it with
// LEMON's NetworkSimplex (64-bit costs). Prints the optimal objective, the
// solve time (NetworkSimplex construction + run) and the peak memory.
//
// usage: lemon-mcf FILE
#include <lemon/dimacs.h>
#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sys/resource.h>

using Graph = lemon::SmartDigraph;
using Value = long long;

static double peak_rss_mb()
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024.0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		std::fprintf(stderr, "usage: lemon-mcf FILE\n");
		return 2;
	}
	std::ifstream in(argv[1]);
	if (!in) {
		std::fprintf(stderr, "lemon-mcf: cannot open %s\n", argv[1]);
		return 2;
	}
	Graph g;
	Graph::ArcMap<Value> lower(g), cap(g), cost(g);
	Graph::NodeMap<Value> supply(g);
	auto t0 = std::chrono::steady_clock::now();
	try {
		lemon::readDimacsMin(in, g, lower, cap, cost, supply);
	} catch (const std::exception &e) {
		std::fprintf(stderr, "lemon-mcf: %s\n", e.what());
		return 2;
	}
	auto t1 = std::chrono::steady_clock::now();
	lemon::NetworkSimplex<Graph, Value, Value> ns(g);
	ns.lowerMap(lower).upperMap(cap).costMap(cost).supplyMap(supply);
	auto res = ns.run();
	auto t2 = std::chrono::steady_clock::now();
	if (res != lemon::NetworkSimplex<Graph, Value, Value>::OPTIMAL) {
		std::printf("objective: none (%s)\n",
			    res == lemon::NetworkSimplex<Graph, Value, Value>::INFEASIBLE ? "infeasible" : "unbounded");
		return 1;
	}
	std::printf("objective: %lld\n", (long long)ns.totalCost());
	std::printf("time_ms: parse %.1f solve %.1f\n",
		    std::chrono::duration<double, std::milli>(t1 - t0).count(),
		    std::chrono::duration<double, std::milli>(t2 - t1).count());
	std::printf("peak_rss_mb: %.1f\n", peak_rss_mb());
	return 0;
}

#include "app/cli.hpp"
#include "core/error.hpp"

#include <boost/test/unit_test.hpp>

using namespace vocloud;

BOOST_AUTO_TEST_SUITE(cli_suite)

BOOST_AUTO_TEST_CASE(run_with_overrides_and_forces) {
  auto const cli = app::parseCli({"run", "exp.yaml", "--set", "synth.count=100", "--force", "synth",
                                  "--set=log.level=debug", "--log-all-ranks"});
  BOOST_TEST(cli.command == "run");
  BOOST_TEST(cli.positional.size() == 1u);
  BOOST_TEST(cli.positional[0] == "exp.yaml");
  BOOST_TEST((cli.overrides == std::vector<std::string>{"synth.count=100", "log.level=debug"}));
  BOOST_TEST(cli.force.count("synth") == 1u);
  BOOST_TEST(cli.logAllRanks);
}

BOOST_AUTO_TEST_CASE(a_stage_command_takes_a_bare_force) {
  auto const cli = app::parseCli({"synth", "exp.yaml", "--force"});
  BOOST_TEST(cli.force.count("synth") == 1u);
}

BOOST_AUTO_TEST_CASE(config_subcommands) {
  BOOST_TEST(app::parseCli({"config", "explain"}).subcommand == "explain");
  BOOST_TEST(app::parseCli({"config", "explain", "synth", "--markdown"}).markdown);
  BOOST_TEST(app::parseCli({"config", "check", "x.yaml"}).positional[0] == "x.yaml");
}

BOOST_AUTO_TEST_CASE(mistakes_are_usage_errors_with_a_hint) {
  auto const messageOf = [](std::vector<std::string> const& args) -> std::string {
    try {
      app::parseCli(args);
    } catch (UsageError const& e) {
      return e.what();
    }
    return "(no error)";
  };
  BOOST_TEST(messageOf({"rnu", "x.yaml"}) == "unknown command 'rnu' (did you mean 'run'?) (see vocloud --help)");
  BOOST_TEST(messageOf({"run"}) == "vocloud run needs exactly one experiment file (EXP.yaml)");
  BOOST_TEST(messageOf({"run", "x.yaml", "--bogus"}) == "unknown option '--bogus' (see vocloud run --help)");
  BOOST_TEST(messageOf({"run", "x.yaml", "--force", "nothing"}) == "--force nothing: unknown stage");
  BOOST_TEST(messageOf({"run", "x.yaml", "--set"}) == "--set needs a value (see --help)");
  BOOST_TEST(messageOf({"config", "fix"}) == "vocloud config needs 'check EXP.yaml' or 'explain [SECTION]'");
  BOOST_TEST(messageOf({}) == "no command given (see vocloud --help)");
}

BOOST_AUTO_TEST_CASE(help_mentions_every_command) {
  std::string const help = app::helpText("");
  for (auto const& c : {"run", "config check", "config explain", "synth"})
    BOOST_TEST(help.find(c) != std::string::npos);
  BOOST_TEST(app::helpText("run").find("--force STAGE") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

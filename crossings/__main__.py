from crossings.cli.main import run

run()

from mason_core.cli.entry import main

main()

from mason_core.cli.app import main

main()

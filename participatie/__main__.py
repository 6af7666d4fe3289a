from participatie.cli import main

main()

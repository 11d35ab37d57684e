import sys

from .supervisor import main

if len(sys.argv) > 1 and sys.argv[1] in ("collect", "verify", "reference"):
    from .cli import main as cli_main
    sys.exit(cli_main(sys.argv[1:]))
sys.exit(main())

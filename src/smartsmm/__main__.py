from smartsmm.cli import main

raise SystemExit(main())

from flashcoop.cli import main

raise SystemExit(main())

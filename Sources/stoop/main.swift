import StoopCLI

Stoop.main()

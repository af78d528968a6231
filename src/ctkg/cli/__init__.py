"""The command line: argparse adapters, one module per stage; library modules take typed
arguments and never see an ``argparse.Namespace``."""

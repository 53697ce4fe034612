"""Reports: the monthly client report, the weekly internal report and the account audit, in every format."""

"""Udveksling / import and export: ArchiMate exchange files, KITOS, spreadsheets and SYS-AP."""

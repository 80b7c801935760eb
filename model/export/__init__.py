"""Files an analyst keeps: CSV tables, the Excel workbook, and the link that rebuilds a view.

- :mod:`~model.export.tables`: tables as CSV, every cell safe to open in a spreadsheet;
- :mod:`~model.export.workbook`: the workbook, a cover sheet then a sheet per table;
- :mod:`~model.export.columns`: a column's readable title and kind of number, from its name;
- :mod:`~model.export.link`: the scenario's link (written on a cover, read back by the dashboard);
- :mod:`~model.export.files`: writing an export to disk, all of it or nothing.
"""

"""People's surfaces over ``qa``: the ``newsdesk`` command and the Gradio chat. All thin."""

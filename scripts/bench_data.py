"""stub"""
def load_busy_year(folder):
    raise NotImplementedError
